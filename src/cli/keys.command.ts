import { desc } from 'drizzle-orm';
import { signingKeys } from '../db/schema.js';
import { KEY_PROPAGATION_MS, rotateSigningKey } from '../features/auth/keys.js';
import { systemClock } from '../lib/clock.js';
import { CliError, type Command, formatDate, helpOption, out, parseCommand, positionals, table } from './cli.js';
import { withDatabase } from './context.js';
import { recordAdminEvent } from './revoke.js';

const rotate: Command = {
  name: 'keys rotate',
  summary: 'Create a new signing key; old keys keep verifying until their tokens expire',
  async run(argv) {
    const { values, positionals: rest } = parseCommand({ args: argv, allowPositionals: true, options: helpOption });
    if (values.help) {
      out(`Usage: tasktalk keys rotate

Adds a new key for JWT_ALGORITHM. Servers load it within ${KEY_PROPAGATION_MS / 1000} s and only then
sign with it; the previous key stays in /.well-known/jwks.json until every
token it signed has expired. Nobody is signed out.`);
      return 0;
    }
    positionals(rest, []);
    return withDatabase(async ({ config, database }) => {
      const { algorithm } = config.jwt;
      if (algorithm === 'HS256') {
        throw new CliError(
          'JWT_ALGORITHM is HS256: tokens are signed with the shared JWT_SECRET, not stored keys. ' +
            'To rotate, set a new JWT_SECRET on every server and restart them (all access tokens become invalid; refresh still works).',
        );
      }
      const kid = await rotateSigningKey(database.db, algorithm, systemClock);
      await recordAdminEvent(database.db, 'admin_key_rotated', null, { kid, algorithm });
      out(`New ${algorithm} signing key ${kid}.`);
      out(
        `Servers start signing with it within ${KEY_PROPAGATION_MS / 1000} s; the previous key keeps verifying until its tokens expire.`,
      );
      return 0;
    });
  },
};

const list: Command = {
  name: 'keys list',
  summary: 'Show signing keys: kid, algorithm, created, retired',
  async run(argv) {
    const { values, positionals: rest } = parseCommand({ args: argv, allowPositionals: true, options: helpOption });
    if (values.help) {
      out(`Usage: tasktalk keys list

Lists every stored signing key, newest first. "retired" is when a newer key
took over signing; a retired key still verifies tokens for ACCESS_TOKEN_TTL.`);
      return 0;
    }
    positionals(rest, []);
    return withDatabase(async ({ config, database }) => {
      const rows = await database.db.select().from(signingKeys).orderBy(desc(signingKeys.createdAt));
      const now = Date.now();
      const horizon = now - config.jwt.accessTtlMs - 60_000;
      const status = (row: (typeof rows)[number]) => {
        if (row.algorithm !== config.jwt.algorithm) return 'unused (other algorithm)';
        if (!row.retiredAt)
          return row.createdAt.getTime() + KEY_PROPAGATION_MS > now ? 'next (propagating)' : 'signing';
        if (row.retiredAt.getTime() > now) return 'signing until retired';
        return row.retiredAt.getTime() > horizon ? 'verifying only' : 'expired';
      };
      out(
        table(
          ['KID', 'ALGORITHM', 'CREATED (UTC)', 'RETIRED (UTC)', 'STATUS'],
          rows.map((r) => [r.kid, r.algorithm, formatDate(r.createdAt), formatDate(r.retiredAt), status(r)]),
        ),
      );
      if (config.jwt.algorithm === 'HS256')
        out('\nJWT_ALGORITHM is HS256: tokens are signed with JWT_SECRET, not these keys.');
      return 0;
    });
  },
};

export const keysCommands: Command[] = [rotate, list];
