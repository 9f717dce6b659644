import { revokeUserSessions } from '../features/auth/sessions.js';
import { createUsersRepository, normalizeEmail } from '../features/auth/users.repository.js';
import { CliError, type Command, helpOption, out, parseCommand, plural, positionals } from './cli.js';
import { withDatabase } from './context.js';
import { broadcastRevocation, recordAdminEvent } from './revoke.js';

const revoke: Command = {
  name: 'sessions revoke',
  summary: 'Sign out every session of a user',
  async run(argv) {
    const { values, positionals: rest } = parseCommand({ args: argv, allowPositionals: true, options: helpOption });
    if (values.help) {
      out(`Usage: tasktalk sessions revoke EMAIL

Revokes every session (signed-in device) of the user: refresh is refused at
once, and with REDIS_URL running servers deny the sessions' access tokens at
once too. The account stays active: the user can sign in again.`);
      return 0;
    }
    const [email] = positionals(rest, ['EMAIL']) as [string];
    return withDatabase(async ({ config, database }) => {
      const user = await createUsersRepository(database.db).findByEmail(email);
      if (!user) throw new CliError(`No user with email ${normalizeEmail(email)}`);
      const now = Date.now();
      const sids = await revokeUserSessions(database.db, user.id, now, 'revoked_by_admin');
      await recordAdminEvent(database.db, 'admin_sessions_revoked', user.id, { sessions: sids.length });
      await broadcastRevocation(config, sids, now);
      out(`Signed out ${plural(sids.length, 'session')} of ${user.email}`);
      return 0;
    });
  },
};

export const sessionsCommands: Command[] = [revoke];
