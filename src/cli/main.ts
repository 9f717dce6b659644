import { operatorMessage } from '../lib/error-causes.js';
import { CliError, type Command, EXIT, out, UsageError } from './cli.js';
import { importCommands } from './import.command.js';
import { keysCommands } from './keys.command.js';
import { linkCommands } from './links.command.js';
import { mfaCommands } from './mfa.command.js';
import { migrateCommands } from './migrate.command.js';
import { sessionsCommands } from './sessions.command.js';
import { usersCommands } from './users.command.js';

/** `tasktalk <command>`: administration with the server's own config and database code. */
const COMMANDS: Command[] = [
  ...usersCommands,
  ...linkCommands,
  ...sessionsCommands,
  ...keysCommands,
  ...migrateCommands,
  ...importCommands,
  ...mfaCommands,
];

function usage(group?: string): string {
  const shown = group ? COMMANDS.filter((c) => c.name.startsWith(`${group} `)) : COMMANDS;
  const width = Math.max(...shown.map((c) => c.name.length));
  return [
    `Usage: tasktalk ${group ? `${group} ` : ''}<command> [options]`,
    '',
    'Commands:',
    ...shown.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `tasktalk <command> --help` for a command's options. The CLI reads the same",
    'environment (and .env) as the server: DATABASE_URL or DATA_DIR, REDIS_URL, JWT_ALGORITHM…',
  ].join('\n');
}

function find(argv: string[]): { command: Command; rest: string[] } | null {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, rest: argv.slice(words) };
  }
  return null;
}

export async function main(argv: string[]): Promise<number> {
  const first = argv[0];
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    if (first) out(usage());
    else process.stderr.write(`${usage()}\n`);
    return first ? EXIT.ok : EXIT.usage;
  }
  const found = find(argv);
  if (!found) {
    const group = COMMANDS.some((c) => c.name.startsWith(`${first} `));
    if (group && (argv.length === 1 || argv[1] === '--help' || argv[1] === '-h')) {
      out(usage(first));
      return argv.length === 1 ? EXIT.usage : EXIT.ok;
    }
    process.stderr.write(`tasktalk: unknown command "${argv.slice(0, group ? 2 : 1).join(' ')}"\n\n${usage()}\n`);
    return EXIT.usage;
  }
  try {
    return await found.command.run(found.rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(
        `tasktalk ${found.command.name}: ${error.message}\nRun \`tasktalk ${found.command.name} --help\` for usage.\n`,
      );
      return EXIT.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`tasktalk ${found.command.name}: ${error.message}\n`);
      return EXIT.failure;
    }
    process.stderr.write(`tasktalk ${found.command.name} failed: ${operatorMessage(error)}\n`);
    return EXIT.failure;
  }
}

const code = await main(process.argv.slice(2));
// Flush output, then exit even if a driver keeps a handle open.
process.exitCode = code;
setTimeout(() => process.exit(code), 100).unref();
