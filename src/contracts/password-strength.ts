import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { normalizePassword, type PasswordStrength } from './password-policy.js';

/**
 * How guessable a password is: zxcvbn-ts with its common dictionaries (the ~49,000
 * most common passwords, diceware words, keyboard graphs). zxcvbn sees through
 * case changes, leetspeak and appended digits or symbols, so `Password1!` scores 1
 * although it is not itself on the list (SPEC §3.1).
 *
 * Shared by the server and the web app; the web app imports this module lazily
 * (it carries the dictionaries, ~1 MB), the server at start.
 */

let factory: ZxcvbnFactory | undefined;
let common: Set<string> | undefined;

// zxcvbn's warning keys, as the end of "Password is too easy to guess: …".
const REASONS: Record<string, string> = {
  straightRow: 'it is a straight row of keys on the keyboard',
  keyPattern: 'it is a short keyboard pattern',
  simpleRepeat: 'it repeats characters, like "aaa"',
  extendedRepeat: 'it repeats a pattern, like "abcabcabc"',
  sequences: 'it is a common sequence, like "abc" or "123"',
  recentYears: 'it is built on a recent year',
  dates: 'it is built on a date',
  topTen: 'it is one of the ten most used passwords',
  topHundred: 'it is one of the hundred most used passwords',
  common: 'it is a commonly used password',
  similarToCommon: 'it is a common password with small changes (capitals, digits, symbols or leetspeak)',
  wordByItself: 'a single word is easy to guess',
  namesByThemselves: 'names on their own are easy to guess',
  commonNames: 'common names are easy to guess',
  userInputs: 'it contains personal details',
};

/** The strength of `password` (NFKC-normalised first, as everywhere). */
export function estimateStrength(password: string): PasswordStrength {
  factory ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  const value = normalizePassword(password);
  const result = factory.check(value);
  const warning = result.feedback.warning;
  return {
    score: result.score,
    common: common.has(value.toLowerCase()),
    reason: warning
      ? (REASONS[warning] ?? 'it is too predictable')
      : 'it is too predictable; try a few unrelated words',
  };
}
