import { passwordProblems } from '@contracts/password-policy';
import { describe, expect, it } from 'vitest';
import { checkPassword } from '../../../../src/features/auth/password-policy.js';
import { loadStrengthEstimator, passwordProblem, passwordRules } from './password-rules.js';

/** SPEC §3.1: the strength meter and rule list of the web app agree with the server. */

const CASES: Array<[string, string]> = [
  ['Password1!', 'ada@example.com'],
  ['Qwerty123!', 'ada@example.com'],
  ['P@ssw0rd', 'ada@example.com'],
  ['12345678!', 'ada@example.com'],
  ['abcdefgh', 'ada@example.com'],
  ['A1!', 'ada@example.com'],
  ['grace2024', 'grace@example.com'],
  ['margaret-Lamp-42', 'margaret@example.com'],
  ['Quiet-Harbor-73', 'ada@example.com'],
  ['Ma\u0303nana-en-la-playa-7', 'ada@example.com'],
  ['Ｐａｓｓｗｏｒｄ１！', 'ada@example.com'],
];

describe('web password rules = server policy', () => {
  it.each(CASES)('%s: the same problems, in the same words', async (password, email) => {
    const estimate = await loadStrengthEstimator();
    const strength = estimate(password);
    const server = (await checkPassword(password, 'classes', email)).map((e) => e.message);
    expect(passwordProblems(password, { policy: 'classes', email, strength })).toEqual(server);
    expect(passwordProblem(password, email, strength)).toBe(server[0] ?? null);
    const unmet = passwordRules(password, email, strength).filter((r) => r.met === false);
    for (const message of server) expect(unmet.map((r) => r.message)).toContain(message);
  });
});
