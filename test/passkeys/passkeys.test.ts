import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, eventsOf, expectProblem, me, setActive } from '../auth/support.js';
import {
  bearer,
  cookieValue,
  createTestApp,
  ORIGIN,
  PASSWORD,
  type Registered,
  refreshWithCookie,
  register,
  type TestApp,
} from '../helpers/app.js';
import { alignClock, enableTotp, totpAt } from '../mfa/support.js';
import { createSoftAuthenticator, type SoftAuthenticator } from './authenticator.js';

/** Passkeys (SPEC §3.9; WebAuthn Level 3) with real payloads from a software authenticator. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Json = Record<string, unknown>;
const post = (url: string, payload: object, token?: string, origin: string | null = ORIGIN) =>
  t.app.inject({
    method: 'POST',
    url: `/api/auth/passkeys${url}`,
    payload,
    headers: { ...(token ? bearer(token) : {}), ...(origin ? { origin } : {}) },
  });

async function creationOptions(user: Registered) {
  const res = await post('/register/options', { password: user.password }, user.accessToken);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { challenge: string; user: { id: string }; excludeCredentials: Json[] } & Json;
}

/** Registers a passkey of `authenticator` for `user` through the API; returns the passkey view. */
async function addPasskey(user: Registered, authenticator: SoftAuthenticator, name?: string) {
  const options = await creationOptions(user);
  const res = await post(
    '/register/verify',
    { ...(name ? { name } : {}), response: authenticator.register(options) },
    user.accessToken,
  );
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; name: string } & Json;
}

async function loginOptions() {
  const res = await post('/login/options', {});
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { challenge: string } & Json;
}

const loginVerify = (response: object, origin: string | null = ORIGIN) =>
  post('/login/verify', { response }, undefined, origin);
const list = async (token: string) =>
  (await t.app.inject({ method: 'GET', url: '/api/auth/passkeys', headers: bearer(token) })).json().passkeys as Json[];

function expectRefused(res: Awaited<ReturnType<typeof post>>) {
  expectProblem(res, 401, 'INVALID_CREDENTIALS', 'This passkey could not be verified');
  expect(res.headers['set-cookie']).toBeUndefined();
}

describe('registration (WebAuthn L3 §7.1)', () => {
  it('options ask for a discoverable, user-verified credential and exclude the user’s passkeys', async () => {
    const user = await register(t.app);
    const first = await creationOptions(user);
    expect(first).toMatchObject({
      rp: { name: 'Tasktalk', id: 'localhost' },
      user: { name: user.email, displayName: 'Test User' },
      authenticatorSelection: { residentKey: 'required', userVerification: 'required', requireResidentKey: true },
      attestation: 'none',
      timeout: 300_000,
      excludeCredentials: [],
    });
    expect(first.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const authenticator = createSoftAuthenticator();
    await addPasskey(user, authenticator);
    const second = await creationOptions(user);
    expect(second.excludeCredentials).toEqual([
      { id: authenticator.credentials[0]?.id, type: 'public-key', transports: ['internal'] },
    ]);
    expect(second.challenge).not.toBe(first.challenge);
  });

  it('needs the current password (a stolen access token alone cannot add a way in)', async () => {
    const user = await register(t.app);
    const res = await post('/register/options', { password: 'wrong-password-1' }, user.accessToken);
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expectProblem(await post('/register/options', {}, undefined), 401, 'NOT_AUTHENTICATED');
  });

  it('is a step-up for a two-factor account: the password alone is 401 MFA_REQUIRED, with a code it works (SPEC §3.9)', async () => {
    alignClock(t.clock);
    const user = await register(t.app);
    const { secret } = await enableTotp(t.app, t.clock, user);
    const alone = await post('/register/options', { password: PASSWORD }, user.accessToken);
    expectProblem(alone, 401, 'MFA_REQUIRED');
    expect(alone.json().methods).toEqual(['totp', 'recovery_code']);
    const wrong = totpAt(secret, t.clock.now()) === '000000' ? '111111' : '000000';
    expectProblem(
      await post('/register/options', { password: PASSWORD, code: wrong }, user.accessToken),
      401,
      'INVALID_MFA_CODE',
    );
    const options = await post(
      '/register/options',
      { password: PASSWORD, code: totpAt(secret, t.clock.now()) },
      user.accessToken,
    );
    expect(options.statusCode, options.body).toBe(200);
    const added = await post(
      '/register/verify',
      { response: createSoftAuthenticator().register(options.json()) },
      user.accessToken,
    );
    expect(added.statusCode, added.body).toBe(201);
  });

  it('stores the passkey with a helpful default name, the backup state and a registered event', async () => {
    const user = await register(t.app);
    const synced = createSoftAuthenticator({ synced: true, aaguid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd' });
    const view = await addPasskey(user, synced);
    expect(view).toEqual({
      id: expect.any(String),
      name: 'iCloud Keychain',
      created_at: new Date(t.clock.now()).toISOString(),
      last_used_at: null,
      device_type: 'multiDevice',
      backed_up: true,
    });
    const plain = await addPasskey(user, createSoftAuthenticator());
    expect(plain.name).toBe(`Passkey (${new Date(t.clock.now()).toISOString().slice(0, 10)})`);
    expect(plain).toMatchObject({ device_type: 'singleDevice', backed_up: false });
    const named = await addPasskey(user, createSoftAuthenticator(), '  Work laptop  ');
    expect(named.name).toBe('Work laptop');
    expect(await list(user.accessToken)).toHaveLength(3);
    expect((await eventsOf(t.database.db, user.userId, 'passkey_registered')).length).toBe(3);
  });

  it('refuses a response without user verification, from another origin or for another RP id; nothing is stored', async () => {
    const user = await register(t.app);
    const authenticator = createSoftAuthenticator();
    for (const tweaks of [{ uv: false }, { origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
      const options = await creationOptions(user);
      const res = await post(
        '/register/verify',
        { response: authenticator.register(options, tweaks) },
        user.accessToken,
      );
      expectProblem(res, 400, 'BAD_REQUEST', 'This passkey could not be registered. Please try again.');
    }
    expect(await list(user.accessToken)).toEqual([]);
  });

  it('a register challenge works once, for its own user only, for 5 minutes', async () => {
    const user = await register(t.app);
    const other = await register(t.app);
    const authenticator = createSoftAuthenticator();
    const options = await creationOptions(user);
    const response = authenticator.register(options);
    // Another user's token cannot use this user's challenge (and does not use it up).
    expectProblem(await post('/register/verify', { response }, other.accessToken), 400, 'BAD_REQUEST');
    expect((await post('/register/verify', { response }, user.accessToken)).statusCode).toBe(201);
    const again = await post('/register/verify', { response }, user.accessToken);
    expectProblem(again, 400, 'BAD_REQUEST', 'This passkey request expired or was already used. Please try again.');

    const late = await creationOptions(user);
    t.clock.advance(5 * 60_000 + 1);
    const res = await post(
      '/register/verify',
      { response: createSoftAuthenticator().register(late) },
      user.accessToken,
    );
    expectProblem(res, 400, 'BAD_REQUEST');
  });

  it('an account has at most 20 passkeys', async () => {
    const user = await register(t.app);
    const early = await creationOptions(user); // fetched before the limit is reached
    for (let i = 0; i < 20; i++) await addPasskey(user, createSoftAuthenticator());
    const limit = 'An account can have at most 20 passkeys. Delete one first.';
    expectProblem(
      await post('/register/options', { password: user.password }, user.accessToken),
      400,
      'BAD_REQUEST',
      limit,
    );
    const late = await post(
      '/register/verify',
      { response: createSoftAuthenticator().register(early) },
      user.accessToken,
    );
    expectProblem(late, 400, 'BAD_REQUEST', limit);
    expect(await list(user.accessToken)).toHaveLength(20);
  });

  it('refuses a name that is empty, too long or holds control or invisible characters', async () => {
    const user = await register(t.app);
    for (const name of ['   ', 'x'.repeat(101), 'evil\u202Eexe', 'two\nlines']) {
      const options = await creationOptions(user);
      const res = await post(
        '/register/verify',
        { name, response: createSoftAuthenticator().register(options) },
        user.accessToken,
      );
      expectProblem(res, 400, 'VALIDATION_ERROR');
    }
  });
});

describe('sign-in (WebAuthn L3 §7.2)', () => {
  it('options name no credentials (discoverable) and require user verification', async () => {
    const options = await loginOptions();
    expect(options).toEqual({
      rpId: 'localhost',
      challenge: expect.any(String),
      timeout: 300_000,
      userVerification: 'required',
    });
  });

  it('register then sign in with no password: tokens with amr hwk+mfa, the refresh cookie, an event', async () => {
    const user = await register(t.app);
    const authenticator = createSoftAuthenticator();
    const passkey = await addPasskey(user, authenticator);
    t.clock.advance(1_000);
    const res = await loginVerify(authenticator.login(await loginOptions()));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ token_type: 'bearer', user: { id: user.userId, email: user.email } });
    expect(decodeJwt(body.access_token).payload.amr).toEqual(['hwk', 'mfa']);
    expect((await me(t.app, body.access_token)).statusCode).toBe(200);
    const cookie = cookieValue(res.headers['set-cookie']);
    expect(cookie).toBeTruthy();
    // RFC 8176: the refreshed token keeps how the session signed in.
    const refreshed = await refreshWithCookie(t.app, cookie as string);
    expect(decodeJwt(refreshed.json().access_token).payload.amr).toEqual(['hwk', 'mfa']);
    const [stored] = await list(body.access_token);
    expect(stored).toMatchObject({ id: passkey.id, last_used_at: new Date(t.clock.now()).toISOString() });
    const events = await eventsOf(t.database.db, user.userId, 'passkey_login');
    expect(events.map((e) => e.detail)).toEqual([{ passkey_id: passkey.id }]);
  });

  it('a synced passkey signs in with amr swk+mfa', async () => {
    const user = await register(t.app);
    const authenticator = createSoftAuthenticator({ synced: true });
    await addPasskey(user, authenticator);
    const res = await loginVerify(authenticator.login(await loginOptions()));
    expect(res.statusCode, res.body).toBe(200);
    expect(decodeJwt(res.json().access_token).payload.amr).toEqual(['swk', 'mfa']);
  });

  it('refuses an assertion without user verification, from another origin, or for another RP id', async () => {
    const user = await register(t.app);
    const authenticator = createSoftAuthenticator();
    await addPasskey(user, authenticator);
    for (const tweaks of [{ uv: false }, { origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
      expectRefused(await loginVerify(authenticator.login(await loginOptions(), tweaks)));
    }
    // The genuine one still works afterwards.
    expect((await loginVerify(authenticator.login(await loginOptions()))).statusCode).toBe(200);
  });

  it('a challenge works once and for 5 minutes; a made-up one never', async () => {
    const user = await register(t.app);
    const authenticator = createSoftAuthenticator();
    await addPasskey(user, authenticator);
    const response = authenticator.login(await loginOptions());
    expect((await loginVerify(response)).statusCode).toBe(200);
    expectRefused(await loginVerify(response)); // replayed
    expectRefused(await loginVerify(authenticator.login({ challenge: 'A'.repeat(43) })));
    const options = await loginOptions();
    t.clock.advance(5 * 60_000 + 1);
    expectRefused(await loginVerify(authenticator.login(options)));
  });

  it('a register or step-up challenge cannot be used to sign in (purpose-bound)', async () => {
    const user = await register(t.app);
    const authenticator = createSoftAuthenticator();
    await addPasskey(user, authenticator);
    const registerChallenge = (await creationOptions(user)).challenge;
    expectRefused(await loginVerify(authenticator.login({ challenge: registerChallenge })));
    const stepUp = (await post('/step-up/options', {}, user.accessToken)).json();
    expectRefused(await loginVerify(authenticator.login(stepUp)));
  });

  it('refuses a signature counter that goes backwards (a cloned authenticator) and records it', async () => {
    const user = await register(t.app);
    const authenticator = createSoftAuthenticator();
    const passkey = await addPasskey(user, authenticator);
    expect((await loginVerify(authenticator.login(await loginOptions(), { counter: 5 }))).statusCode).toBe(200);
    expectRefused(await loginVerify(authenticator.login(await loginOptions(), { counter: 5 })));
    expectRefused(await loginVerify(authenticator.login(await loginOptions(), { counter: 3 })));
    const events = await eventsOf(t.database.db, user.userId, 'passkey_counter_regression');
    expect(events.map((e) => e.detail)).toEqual([
      { passkey_id: passkey.id, stored: 5, received: 5 },
      { passkey_id: passkey.id, stored: 5, received: 3 },
    ]);
    expect((await loginVerify(authenticator.login(await loginOptions(), { counter: 6 }))).statusCode).toBe(200);
  });

  it('an authenticator without a counter (always 0) keeps working', async () => {
    const user = await register(t.app);
    const authenticator = createSoftAuthenticator();
    await addPasskey(user, authenticator);
    for (let i = 0; i < 2; i++) {
      expect((await loginVerify(authenticator.login(await loginOptions(), { counter: 0 }))).statusCode).toBe(200);
    }
  });

  it('refuses an unknown credential, a forged signature and a user handle that is not the owner’s', async () => {
    const user = await register(t.app);
    const other = await register(t.app);
    const authenticator = createSoftAuthenticator();
    await addPasskey(user, authenticator);
    const stranger = createSoftAuthenticator();
    stranger.register({ challenge: 'x', user: { id: 'eA' } }); // never registered with the server
    expectRefused(await loginVerify(stranger.login(await loginOptions())));

    const genuine = authenticator.login(await loginOptions());
    const signature = Buffer.from(genuine.response.signature, 'base64url');
    signature.writeUInt8(signature.readUInt8(signature.length - 1) ^ 1, signature.length - 1);
    const forged = { ...genuine, response: { ...genuine.response, signature: signature.toString('base64url') } };
    expectRefused(await loginVerify(forged));

    const otherHandle = Buffer.from(other.userId.replaceAll('-', ''), 'hex').toString('base64url');
    expectRefused(await loginVerify(authenticator.login(await loginOptions(), { userHandle: otherHandle })));
    expectRefused(await loginVerify(authenticator.login(await loginOptions(), { userHandle: null })));
  });

  it('the same CSRF rule as /login: a foreign Origin is refused', async () => {
    const user = await register(t.app);
    const authenticator = createSoftAuthenticator();
    await addPasskey(user, authenticator);
    const res = await loginVerify(authenticator.login(await loginOptions()), 'https://evil.example');
    expectProblem(res, 403, 'INVALID_ORIGIN');
  });

  it('REQUIRE_EMAIL_VERIFICATION applies as for passwords: an unconfirmed address gets 403, no session', async () => {
    const strict = await createTestApp({ env: { REQUIRE_EMAIL_VERIFICATION: 'true' } });
    try {
      const email = `pk-${Date.now()}@example.com`;
      const created = await strict.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email, password: PASSWORD },
      });
      expect(created.statusCode).toBe(202);
      const userId: string = created.json().user.id;
      // The address is confirmed by its link: sign in, add a passkey, then the address is changed back to unconfirmed.
      await strict.database.db.execute(sql`update users set email_verified_at = now() where id = ${userId}`);
      const signedIn = await strict.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: PASSWORD },
      });
      const token: string = signedIn.json().access_token;
      const authenticator = createSoftAuthenticator();
      const inject = (url: string, payload: object, bearerToken?: string) =>
        strict.app.inject({
          method: 'POST',
          url: `/api/auth/passkeys${url}`,
          payload,
          headers: { origin: ORIGIN, ...(bearerToken ? bearer(bearerToken) : {}) },
        });
      const options = (await inject('/register/options', { password: PASSWORD }, token)).json();
      expect((await inject('/register/verify', { response: authenticator.register(options) }, token)).statusCode).toBe(
        201,
      );
      await strict.database.db.execute(sql`update users set email_verified_at = null where id = ${userId}`);

      const loginOptions = (await inject('/login/options', {})).json();
      const res = await inject('/login/verify', { response: authenticator.login(loginOptions) });
      expectProblem(res, 403, 'EMAIL_NOT_VERIFIED');
      expect(res.headers['set-cookie']).toBeUndefined();
    } finally {
      await strict.close();
    }
  });

  it('a disabled account is refused after a valid proof', async () => {
    const user = await register(t.app);
    const authenticator = createSoftAuthenticator();
    await addPasskey(user, authenticator);
    await setActive(t.database.db, user.userId, false);
    expectProblem(await loginVerify(authenticator.login(await loginOptions())), 403, 'ACCOUNT_DISABLED');
  });
});

describe('step-up', () => {
  it('verifyPasskeyStepUp accepts the user’s own passkey once, and nothing of another user', async () => {
    const user = await register(t.app);
    const other = await register(t.app);
    const mine = createSoftAuthenticator();
    const theirs = createSoftAuthenticator();
    await addPasskey(user, mine);
    await addPasskey(other, theirs);
    const { verifyPasskeyStepUp } = t.app.passkeys;

    const options = (await post('/step-up/options', {}, user.accessToken)).json();
    expect(options.allowCredentials).toEqual([
      { id: mine.credentials[0]?.id, type: 'public-key', transports: ['internal'] },
    ]);
    expect(options.userVerification).toBe('required');
    // Another user's credential answering this user's challenge: refused (and the challenge is spent).
    expect(await verifyPasskeyStepUp(user.userId, theirs.login(options))).toBe(false);

    const fresh = (await post('/step-up/options', {}, user.accessToken)).json();
    const response = mine.login(fresh);
    // This user's challenge verified for another user: refused, and not spent for its owner.
    expect(await verifyPasskeyStepUp(other.userId, response)).toBe(false);
    expect(await verifyPasskeyStepUp(user.userId, response)).toBe(true);
    expect(await verifyPasskeyStepUp(user.userId, response)).toBe(false); // single use

    // A login challenge is not a step-up challenge.
    expect(await verifyPasskeyStepUp(user.userId, mine.login(await loginOptions()))).toBe(false);
    expect(await t.app.passkeys.hasPasskeys(user.userId)).toBe(true);
  });

  it('a user without passkeys gets 404 from step-up options and hasPasskeys false', async () => {
    const user = await register(t.app);
    expectProblem(await post('/step-up/options', {}, user.accessToken), 404, 'NOT_FOUND');
    expect(await t.app.passkeys.hasPasskeys(user.userId)).toBe(false);
  });
});

describe('managing passkeys', () => {
  it('lists, renames and deletes only the user’s own passkeys (404 for another’s)', async () => {
    const user = await register(t.app);
    const other = await register(t.app);
    const authenticator = createSoftAuthenticator();
    const passkey = await addPasskey(user, authenticator, 'Phone');
    const patch = (id: string, name: string, token: string) =>
      t.app.inject({ method: 'PATCH', url: `/api/auth/passkeys/${id}`, payload: { name }, headers: bearer(token) });
    const remove = (id: string, token: string) =>
      t.app.inject({ method: 'DELETE', url: `/api/auth/passkeys/${id}`, headers: bearer(token) });

    expect(await list(other.accessToken)).toEqual([]);
    expectProblem(await patch(passkey.id, 'Mine now', other.accessToken), 404, 'NOT_FOUND', 'Passkey not found');
    expectProblem(await remove(passkey.id, other.accessToken), 404, 'NOT_FOUND');
    expectProblem(await remove('not-a-uuid', user.accessToken), 404, 'NOT_FOUND');
    expectProblem(await patch(passkey.id, '\u200Bhidden', user.accessToken), 400, 'VALIDATION_ERROR');

    const renamed = await patch(passkey.id, '  Work phone ', user.accessToken);
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ id: passkey.id, name: 'Work phone' });
    expect((await list(user.accessToken)).map((p) => p.name)).toEqual(['Work phone']);

    expect((await remove(passkey.id, user.accessToken)).statusCode).toBe(204);
    expect(await list(user.accessToken)).toEqual([]);
    expectProblem(await remove(passkey.id, user.accessToken), 404, 'NOT_FOUND');
    // A deleted passkey no longer signs in.
    expectRefused(await loginVerify(authenticator.login(await loginOptions())));
    const types = (await eventsOf(t.database.db, user.userId)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['passkey_renamed', 'passkey_deleted']));
  });

  it('deleting the account deletes its passkeys', async () => {
    const user = await register(t.app);
    const authenticator = createSoftAuthenticator();
    await addPasskey(user, authenticator);
    const res = await t.app.inject({
      method: 'DELETE',
      url: '/api/auth/account',
      payload: { password: PASSWORD },
      headers: bearer(user.accessToken),
    });
    expect(res.statusCode, res.body).toBe(200);
    expectRefused(await loginVerify(authenticator.login(await loginOptions())));
  });
});
