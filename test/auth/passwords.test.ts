import { hash as hashArgon2 } from '@node-rs/argon2';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema.js';
import { createTestApp, login, PASSWORD, register, type TestApp, uniqueEmail } from '../helpers/app.js';
import { legacyBcrypt } from '../helpers/bcrypt.js';
import { eventsOf, expectProblem, median, setActive } from './support.js';

/** Password storage and checks: argon2id, bcrypt upgrade, policy modes, login timing. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const storedHash = async (userId: string) =>
  (await t.database.db.select({ h: users.passwordHash }).from(users).where(eq(users.id, userId)))[0]?.h ?? '';

describe('storage', () => {
  it('stores argon2id with the OWASP parameters (m=19 MiB, t=2, p=1), never the password', async () => {
    const user = await register(t.app);
    const stored = await storedHash(user.userId);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored).not.toContain(PASSWORD);
  });

  it.each(['2b', '2a'] as const)(
    'verifies a legacy $%s$ bcrypt hash (passlib/FastAPI) and upgrades it to argon2id on login',
    async (version) => {
      const email = uniqueEmail('legacy');
      const legacy = await legacyBcrypt(PASSWORD, version);
      expect(legacy.startsWith(`$${version}$12$`)).toBe(true);
      const [row] = await t.database.db
        .insert(users)
        .values({ email, name: 'Legacy', passwordHash: legacy })
        .returning({ id: users.id });
      const id = row?.id as string;

      expectProblem(await login(t.app, email, 'Not-The-Password-1'), 401, 'INVALID_CREDENTIALS');
      expect(await storedHash(id)).toBe(legacy); // a wrong password upgrades nothing

      expect((await login(t.app, email)).statusCode).toBe(200);
      const upgraded = await storedHash(id);
      expect(upgraded).toMatch(/^\$argon2id\$/);
      expect((await login(t.app, email)).statusCode).toBe(200);
      expect(await storedHash(id)).toBe(upgraded); // already current: not re-hashed again
    },
  );
});

describe('login checks', () => {
  it('verifies the password exactly as received: no trimming, no case folding, no truncation', async () => {
    const long = `${'Long-Passphrase-9 '.repeat(6)}end!`; // 112 characters: over bcrypt's 72 bytes
    const user = await register(t.app, uniqueEmail(), long);
    for (const variant of [
      ` ${long}`,
      `${long} `,
      long.toUpperCase(),
      long.toLowerCase(),
      long.slice(0, 72),
      `${long}x`,
    ]) {
      expectProblem(await login(t.app, user.email, variant), 401, 'INVALID_CREDENTIALS');
    }
    expect((await login(t.app, user.email, long)).statusCode).toBe(200);
  });

  it('a disabled account gets ACCOUNT_DISABLED only after the right password', async () => {
    const user = await register(t.app);
    await setActive(t.database.db, user.userId, false);
    expectProblem(await login(t.app, user.email, 'Wrong-Password-1'), 401, 'INVALID_CREDENTIALS');
    expectProblem(await login(t.app, user.email), 403, 'ACCOUNT_DISABLED', 'Account is disabled');
    const failures = await eventsOf(t.database.db, user.userId, 'login_failed');
    expect(failures.map((e) => e.detail)).toEqual([{ reason: 'wrong_password' }, { reason: 'disabled' }]);
  });

  it('records login_ok and login_failed with IP and user agent, and no secret', async () => {
    const user = await register(t.app);
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'user-agent': 'Probe/2.0' },
      payload: { email: user.email, password: 'Wrong-Password-1' },
    });
    t.clock.advance(60_000);
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'user-agent': 'Probe/3.0' },
      payload: { email: user.email, password: PASSWORD },
    });
    const events = await eventsOf(t.database.db, user.userId);
    expect(events.map((e) => e.type)).toEqual(['register', 'login_failed', 'login_ok']);
    expect(events[1]).toMatchObject({ ip: '127.0.0.1', userAgent: 'Probe/2.0' });
    // Written in the statement that opens the session (sessions.ts): same time, same request.
    expect(events[2]).toMatchObject({ ip: '127.0.0.1', userAgent: 'Probe/3.0', detail: null });
    expect(events[2]?.createdAt.getTime()).toBe(t.clock.now());
    const [row] = await t.database.db.select({ at: users.lastLoginAt }).from(users).where(eq(users.id, user.userId));
    expect(row?.at?.getTime()).toBe(t.clock.now());
    expect(JSON.stringify(events)).not.toMatch(/Wrong-Password-1|Sturdy-Lamp-42/);
  });
});

describe('policy', () => {
  const attempt = (app: TestApp['app'], password: string, email = uniqueEmail()) =>
    app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } });

  it('classes (default): length, letter, number, special, common, email local part — each its own message', async () => {
    const messages = async (password: string, email?: string) =>
      (await attempt(t.app, password, email)).json().errors?.map((e: { message: string }) => e.message) ?? [];
    expect(await messages('A1!')).toEqual(['Password must be at least 8 characters']);
    expect(await messages('12345678!')).toEqual([
      'Password must contain at least 1 letter',
      'Password is too easy to guess: it is a common password with small changes (capitals, digits, symbols or leetspeak)',
    ]);
    expect(await messages(`Aa1!${'x'.repeat(125)}`)).toEqual(['Password must be at most 128 characters']);
    expect(await messages('P@ssw0rd')).toEqual(['Password is too common']);
    expect(await messages('margaret-Lamp-42', 'margaret@example.com')).toEqual([
      'Password must not contain your email address',
    ]);
    expect((await attempt(t.app, 'Ünïcödé-Lämp-42')).statusCode).toBe(201);
  });

  it('nist: 15–128 characters, no composition rules, the same blocklist', async () => {
    const nist = await createTestApp({ database: t.database, env: { PASSWORD_POLICY: 'nist' } });
    try {
      const short = expectProblem(await attempt(nist.app, 'Short-Lamp-42'), 400, 'VALIDATION_ERROR');
      expect(short.errors).toEqual([{ path: 'password', message: 'Password must be at least 15 characters' }]);
      expect((await attempt(nist.app, 'correct horse battery staple')).statusCode).toBe(201);
      const common = expectProblem(await attempt(nist.app, '1qaz2wsx3edc4rfv'), 400, 'VALIDATION_ERROR');
      expect(common.errors).toEqual([{ path: 'password', message: 'Password is too common' }]);
    } finally {
      await nist.close();
    }
  });
});

describe('Unicode forms (NIST SP 800-63B-4 §3.1.1.2: NFKC before hashing and verification)', () => {
  const PRECOMPOSED = 'Ma\u00F1ana-en-la-playa-7'; // ñ as one code point
  const COMBINING = 'Man\u0303ana-en-la-playa-7'; // n + combining tilde

  it('a password registered with a precomposed ñ verifies when typed with a combining tilde, and back', async () => {
    const a = await register(t.app, uniqueEmail(), PRECOMPOSED);
    expect((await login(t.app, a.email, COMBINING)).statusCode).toBe(200);
    const b = await register(t.app, uniqueEmail(), COMBINING);
    expect((await login(t.app, b.email, PRECOMPOSED)).statusCode).toBe(200);
  });

  it('full-width letters verify against their NFKC form', async () => {
    const user = await register(t.app); // Sturdy-Lamp-42
    const fullWidth = [...PASSWORD].map((c) => String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0)).join('');
    expect(fullWidth).not.toBe(PASSWORD);
    expect((await login(t.app, user.email, fullWidth)).statusCode).toBe(200);
  });

  it('NFKC is not case folding, trimming or a looser match', async () => {
    const user = await register(t.app, uniqueEmail(), PRECOMPOSED);
    for (const wrong of ['MA\u00D1ANA-EN-LA-PLAYA-7', 'Manana-en-la-playa-7', ` ${PRECOMPOSED}`]) {
      expectProblem(await login(t.app, user.email, wrong), 401, 'INVALID_CREDENTIALS');
    }
  });

  it('a hash made before normalisation (of the raw, decomposed form) still verifies, and is re-hashed in NFKC', async () => {
    const email = uniqueEmail('pre-nfkc');
    const raw = await hashArgon2(COMBINING, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    const [row] = await t.database.db
      .insert(users)
      .values({ email, name: 'Old', passwordHash: raw })
      .returning({ id: users.id });
    const id = row?.id as string;
    // Before the fallback: typed exactly as it was registered.
    expect((await login(t.app, email, COMBINING)).statusCode).toBe(200);
    const upgraded = await storedHash(id);
    expect(upgraded).not.toBe(raw);
    // Now stored in NFKC: the precomposed spelling works too.
    expect((await login(t.app, email, PRECOMPOSED)).statusCode).toBe(200);
  });
});

describe('dressed-up common passwords (SPEC §3.1: zxcvbn score below 3)', () => {
  const attempt = (password: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: uniqueEmail(), password } });

  it.each(['Password1!', 'Qwerty123!', 'P@ssw0rd123', 'Welcome2024!', 'Iloveyou1!', 'Dragon2000$'])(
    '%s is refused with a message saying why',
    async (password) => {
      const body = expectProblem(await attempt(password), 400, 'VALIDATION_ERROR');
      const messages = body.errors?.map((e) => e.message) ?? [];
      expect(
        messages.some((m) => m === 'Password is too common' || m.startsWith('Password is too easy to guess: ')),
      ).toBe(true);
    },
  );

  it('the password change refuses them too, on new_password', async () => {
    const user = await register(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { authorization: `Bearer ${user.accessToken}` },
      payload: { current_password: PASSWORD, new_password: 'Password1!' },
    });
    const body = expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(body.errors?.[0]).toMatchObject({ path: 'new_password' });
    expect(body.errors?.[0]?.message).toMatch(/^Password is too easy to guess: /);
  });
});

describe('timing (OWASP ASVS 5.0 V6.3.8)', () => {
  it('an unknown email and a wrong password take the same time: medians of 100 interleaved logins each within 20%', async (ctx) => {
    const known = await register(t.app);
    const time = async (email: string) => {
      const started = performance.now();
      const res = await login(t.app, email, 'Wrong-Password-1');
      const elapsed = performance.now() - started;
      expect(res.statusCode).toBe(401);
      return elapsed;
    };
    for (let i = 0; i < 5; i++) {
      await time(uniqueEmail('ghost')); // warm-up: JIT, query plans, the hasher's pool
      await time(known.email);
    }

    const unknown: number[] = [];
    const wrong: number[] = [];
    // 100 pairs: the machine is shared, and a median over more samples shrugs off bursts of load.
    for (let i = 0; i < 100; i++) {
      // Alternate which goes first, so drift on a shared machine hits both alike.
      if (i % 2) {
        unknown.push(await time(uniqueEmail('ghost')));
        wrong.push(await time(known.email));
      } else {
        wrong.push(await time(known.email));
        unknown.push(await time(uniqueEmail('ghost')));
      }
    }
    const [a, b] = [median(unknown), median(wrong)];
    ctx.annotate(`login median: unknown email ${a.toFixed(1)} ms, wrong password ${b.toFixed(1)} ms`);
    expect(
      Math.max(a, b) / Math.min(a, b),
      `medians: unknown ${a.toFixed(1)} ms, wrong ${b.toFixed(1)} ms`,
    ).toBeLessThanOrEqual(1.2);
  });
});

describe('the dummy hash for unknown emails', () => {
  it('is an argon2id hash with the parameters of every new hash, so burning costs one real verify', async () => {
    const { ARGON2, DUMMY_HASH } = await import('../../src/features/auth/passwords.js');
    expect(DUMMY_HASH).toMatch(
      new RegExp(`^\\$argon2id\\$v=19\\$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=${ARGON2.parallelism}\\$`),
    );
    const { verify } = await import('@node-rs/argon2');
    // Well formed: verify runs and answers false for a guess instead of throwing.
    await expect(verify(DUMMY_HASH, 'a guess')).resolves.toBe(false);
  });
});
