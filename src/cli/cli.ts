import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Wrong usage (unknown option, missing argument): exit code 2, with a hint to --help. */
export class UsageError extends Error {}
/** The command could not do its job: exit code 1, with a message naming what is wrong. */
export class CliError extends Error {}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export interface Command {
  /** As typed: `users list`. */
  name: string;
  summary: string;
  run(argv: string[]): Promise<number>;
}

export const helpOption = { help: { type: 'boolean', short: 'h' } } as const;

/** node:util parseArgs, with its errors turned into usage errors. */
export function parseCommand<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) throw new UsageError((error as Error).message);
    throw error;
  }
}

export function out(text = '') {
  process.stdout.write(`${text}\n`);
}

export function note(text: string) {
  process.stderr.write(`${text}\n`);
}

/** Exactly `count` positionals, or a usage error naming what is missing. */
export function positionals(values: string[], names: string[]): string[] {
  if (values.length < names.length) throw new UsageError(`missing ${names.slice(values.length).join(', ')}`);
  if (values.length > names.length) throw new UsageError(`unexpected argument: ${values[names.length]}`);
  return values;
}

export function formatDate(date: Date | null): string {
  return date ? date.toISOString().slice(0, 16).replace('T', ' ') : '-';
}

/** A plain-text table with padded columns; cells never contain newlines. */
export function table(headers: string[], rows: string[][]): string {
  const clean = (s: string) => s.replace(/\s+/g, ' ');
  const all = [headers, ...rows.map((r) => r.map(clean))];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length)))
        .join('  '),
    )
    .join('\n');
}

export function plural(count: number, word: string) {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
