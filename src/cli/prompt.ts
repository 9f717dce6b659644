import { createInterface } from 'node:readline/promises';
import { CliError, UsageError } from './cli.js';

/** Prompts are only ever asked on a terminal; scripts pass flags instead. */
function requireTerminal(hint: string) {
  if (!process.stdin.isTTY) throw new UsageError(`stdin is not a terminal, so nothing can be asked: ${hint}`);
}

/** Reads a password from the terminal without echoing it. */
export function promptHidden(question: string): Promise<string> {
  requireTerminal('pipe the password with --password-stdin');
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new CliError('Cancelled'));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** A new password, typed twice. */
export async function promptNewPassword(): Promise<string> {
  const first = await promptHidden('Password: ');
  const second = await promptHidden('Repeat the password: ');
  if (first !== second) throw new CliError('The two passwords differ; nothing was changed');
  return first;
}

/** The first line of stdin, exactly as given apart from its line ending (passwords are not trimmed). */
export async function readStdinLine(): Promise<string> {
  let data = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) {
    data += chunk as string;
    if (data.includes('\n')) break;
  }
  return data.split(/\r?\n/)[0] ?? '';
}

/** Asks the user to type `expected` to go on; anything else cancels. */
export async function confirmByTyping(question: string, expected: string): Promise<boolean> {
  requireTerminal('pass --yes to confirm');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return answer.trim().toLowerCase() === expected.toLowerCase();
  } finally {
    rl.close();
  }
}
