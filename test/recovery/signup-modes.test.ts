import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinkTokens } from '../../src/features/links/link-tokens.js';
import { expectProblem } from '../auth/support.js';
import { createTestApp, PASSWORD, type TestApp, uniqueEmail } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/**
 * SPEC §3.1 sign-up modes. Invitations are made by `tasktalk users invite` (its
 * own test is in test/cli/recovery-cli.test.ts); here the same link-token module
 * makes them, so the register route is tested alone.
 */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

async function appWith(mode: string): Promise<TestApp> {
  return createTestApp({ database, env: { SIGNUP_MODE: mode } });
}

async function invite(t: TestApp, email: string) {
  const links = createLinkTokens({ db: database.db, clock: t.clock, publicUrl: 'http://localhost:3000' });
  return links.issue('invite', { userId: null, email });
}

const registerWith = (t: TestApp, email: string, invite_token?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email, password: PASSWORD, ...(invite_token ? { invite_token } : {}) },
  });

const settings = async (t: TestApp) => (await t.app.inject({ method: 'GET', url: '/api/auth/signup' })).json();

describe('SIGNUP_MODE=invite', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await appWith('invite');
  });
  afterAll(() => t.close());

  it('GET /signup tells the register page', async () => {
    expect(await settings(t)).toEqual({ signup_mode: 'invite', email_verification_required: false });
  });

  it('refuses a registration without an invitation: 403 SIGNUP_CLOSED', async () => {
    const body = expectProblem(await registerWith(t, uniqueEmail()), 403, 'SIGNUP_CLOSED');
    expect(body.detail).toMatch(/invitation/);
  });

  it('an invitation link (PUBLIC_URL/register?invite=…) registers its address once, already verified', async () => {
    const email = uniqueEmail('invited');
    const link = await invite(t, email);
    expect(new URL(link.url).pathname).toBe('/register');
    expect(new URL(link.url).searchParams.get('invite')).toBe(link.token);
    // 7 days (our choice, README): alive just before.
    expect(link.expiresAt.getTime() - t.clock.now()).toBe(7 * 86_400_000);

    const res = await registerWith(t, email.toUpperCase(), link.token);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().user).toMatchObject({ email, email_verified: true });
    expectProblem(await registerWith(t, uniqueEmail(), link.token), 400, 'INVALID_LINK'); // used
  });

  it('an invitation is for its own address only, and dies after 7 days', async () => {
    const email = uniqueEmail('invited');
    const link = await invite(t, email);
    const other = expectProblem(
      await registerWith(t, uniqueEmail('someone-else'), link.token),
      400,
      'VALIDATION_ERROR',
    );
    expect(other.errors).toEqual([{ path: 'email', message: 'This invitation was sent to another email address' }]);
    t.clock.advance(7 * 86_400_000 + 1);
    expectProblem(await registerWith(t, email, link.token), 400, 'INVALID_LINK');
  });

  it('a newer invitation for the same address replaces the older one', async () => {
    const email = uniqueEmail('invited');
    const older = await invite(t, email);
    const newer = await invite(t, email);
    expectProblem(await registerWith(t, email, older.token), 400, 'INVALID_LINK');
    expect((await registerWith(t, email, newer.token)).statusCode).toBe(201);
  });

  it('a password reset link is not an invitation', async () => {
    const email = uniqueEmail('purpose');
    const links = createLinkTokens({ db: database.db, clock: t.clock, publicUrl: 'http://localhost:3000' });
    const owner = await createTestApp({ database, clock: t.clock });
    try {
      const registered = await owner.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email, password: PASSWORD },
      });
      const reset = await links.issue('password_reset', { userId: registered.json().user.id, email });
      expectProblem(await registerWith(t, uniqueEmail(), reset.token), 400, 'INVALID_LINK');
    } finally {
      await owner.close();
    }
  });
});

describe('SIGNUP_MODE=closed', () => {
  it('refuses every registration, with or without an invitation: 403 "Registration is closed"', async () => {
    const t = await appWith('closed');
    try {
      expect(await settings(t)).toMatchObject({ signup_mode: 'closed' });
      const email = uniqueEmail('closed');
      const link = await invite(t, email);
      expectProblem(await registerWith(t, email), 403, 'SIGNUP_CLOSED', 'Registration is closed');
      expectProblem(await registerWith(t, email, link.token), 403, 'SIGNUP_CLOSED');
    } finally {
      await t.close();
    }
  });
});

describe('SIGNUP_MODE=open (default)', () => {
  it('anyone registers; a bad invitation token is still refused, a good one verifies the address', async () => {
    const t = await appWith('open');
    try {
      expect(await settings(t)).toEqual({ signup_mode: 'open', email_verification_required: false });
      const plain = await registerWith(t, uniqueEmail('open'));
      expect(plain.statusCode).toBe(201);
      expect(plain.json().user.email_verified).toBe(false);
      expectProblem(await registerWith(t, uniqueEmail('open'), 'A'.repeat(43)), 400, 'INVALID_LINK');
      const email = uniqueEmail('open-invited');
      const link = await invite(t, email);
      expect((await registerWith(t, email, link.token)).json().user.email_verified).toBe(true);
    } finally {
      await t.close();
    }
  });
});
