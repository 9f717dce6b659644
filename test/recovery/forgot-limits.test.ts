import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, median } from '../auth/support.js';
import { createTestApp, register, type TestApp, uniqueEmail } from '../helpers/app.js';
import { createTestSmtp, type TestSmtp } from '../helpers/smtp.js';

/**
 * SPEC §3.8: forgot is limited per IP and per address (3/hour) without revealing
 * which addresses have an account, and answers known and unknown addresses in
 * the same time (OWASP Forgot Password Cheat Sheet; ASVS 5.0 V6.3.8).
 */

const forgot = (t: TestApp, email: string, ip = '203.0.113.7') =>
  t.app.inject({ method: 'POST', url: '/api/auth/password/forgot', remoteAddress: ip, payload: { email } });

describe('limits', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await createTestSmtp();
    t = await createTestApp({
      env: {
        SMTP_URL: smtp.url,
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_REGISTER: '1000/1h',
        RATE_LIMIT_DEFAULT: '1000/1m',
        RATE_LIMIT_FORGOT: '1000/1h',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('an address gets at most 3 reset mails an hour; the 4th request looks exactly like the others', async () => {
    const user = await register(t.app);
    const ghost = uniqueEmail('ghost');
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      for (const email of [user.email, ghost]) {
        const res = await forgot(t, email, `198.51.100.${i}`); // other IPs: the per-address limit alone
        expect(res.statusCode).toBe(202);
        answers.push(res.body);
      }
    }
    expect(new Set(answers).size).toBe(1);
    await t.app.mail.recovery.settled();
    await t.app.mail.mailer.idle();
    expect(smtp.count(user.email, /Reset your/)).toBe(3);
    expect(smtp.count(ghost)).toBe(0);

    // The window ends after an hour.
    t.clock.advance(3_600_000 + 1);
    expect((await forgot(t, user.email)).statusCode).toBe(202);
    await smtp.waitFor(user.email, /Reset your/, 3);
  });

  it('per IP: RATE_LIMIT_FORGOT, then 429 whatever the address', async () => {
    const limited = await createTestApp({
      database: t.database,
      env: { SMTP_URL: smtp.url, RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_FORGOT: '2/1h' },
    });
    try {
      expect((await forgot(limited, uniqueEmail(), '192.0.2.50')).statusCode).toBe(202);
      expect((await forgot(limited, uniqueEmail(), '192.0.2.50')).statusCode).toBe(202);
      const refused = expectProblem(await forgot(limited, uniqueEmail(), '192.0.2.50'), 429, 'RATE_LIMITED');
      expect(refused.detail).toMatch(/minutes/);
      expect((await forgot(limited, uniqueEmail(), '192.0.2.51')).statusCode).toBe(202);
    } finally {
      await limited.close();
    }
  });
});

describe('timing (OWASP ASVS 5.0 V6.3.8)', () => {
  it('a known and an unknown address answer in the same time: medians of 200 interleaved requests each within 20%', async (ctx) => {
    // No SMTP_URL: the mails are log lines, so sending them does not load the process under test.
    const t = await createTestApp();
    try {
      const known = await register(t.app);
      const time = async (email: string) => {
        const started = performance.now();
        const res = await forgot(t, email);
        const elapsed = performance.now() - started;
        expect(res.statusCode).toBe(202);
        // The lookup, link and mail run after the response; let them finish so the next
        // measurement pays for neither side's (an attacker times their own request).
        await t.app.mail.recovery.settled();
        return elapsed;
      };
      for (let i = 0; i < 10; i++) {
        await time(uniqueEmail('ghost')); // warm-up: JIT, query plans
        await time(known.email);
      }
      const unknown: number[] = [];
      const knownTimes: number[] = [];
      for (let i = 0; i < 200; i++) {
        // Alternate which goes first, so drift on a shared machine hits both alike.
        if (i % 2) {
          unknown.push(await time(uniqueEmail('ghost')));
          knownTimes.push(await time(known.email));
        } else {
          knownTimes.push(await time(known.email));
          unknown.push(await time(uniqueEmail('ghost')));
        }
      }
      const [a, b] = [median(unknown), median(knownTimes)];
      ctx.annotate(`forgot median: unknown ${a.toFixed(2)} ms, known ${b.toFixed(2)} ms`);
      expect(
        Math.max(a, b) / Math.min(a, b),
        `medians: unknown ${a.toFixed(2)} ms, known ${b.toFixed(2)} ms`,
      ).toBeLessThanOrEqual(1.2);
    } finally {
      await t.close();
    }
  });
});
