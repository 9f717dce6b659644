import { migrate } from '../db/client.js';
import { type Command, helpOption, out, parseCommand, plural, positionals } from './cli.js';
import { withDatabase } from './context.js';

const run: Command = {
  name: 'migrate',
  summary: 'Apply database migrations and exit',
  async run(argv) {
    const { values, positionals: rest } = parseCommand({ args: argv, allowPositionals: true, options: helpOption });
    if (values.help) {
      out(`Usage: tasktalk migrate

Applies the committed migrations to DATABASE_URL (or the embedded database in
DATA_DIR) and exits. Safe to run while servers start: one migrator at a time.`);
      return 0;
    }
    positionals(rest, []);
    return withDatabase(async ({ database }) => {
      const applied = await migrate(database.db);
      out(applied === 0 ? 'The database is up to date' : `Applied ${plural(applied, 'migration')}`);
      return 0;
    });
  },
};

export const migrateCommands: Command[] = [run];
