import { eq } from 'drizzle-orm';
import { mfaRecoveryCodes, mfaTokens, mfaTotp, passkeys } from '../db/schema.js';
import { createUsersRepository, normalizeEmail } from '../features/auth/users.repository.js';
import { CliError, type Command, helpOption, out, parseCommand, plural, positionals } from './cli.js';
import { withDatabase } from './context.js';
import { recordAdminEvent } from './revoke.js';

/**
 * `tasktalk users mfa-reset EMAIL [--passkeys]` (SPEC §3.9, issue 14): for a user
 * who lost their authenticator and their recovery codes. Turns TOTP off and
 * deletes the recovery codes and pending sign-ins; with --passkeys deletes the
 * user's passkeys too. Recorded as the auth event `mfa_reset` with actor "cli".
 * The operator must have checked who is asking (OWASP MFA Cheat Sheet: resetting
 * a second factor is as strong as the identity check before it).
 */
const mfaReset: Command = {
  name: 'users mfa-reset',
  summary: 'Turn two-factor authentication off for a user who lost their device and codes',
  async run(argv) {
    const { values, positionals: rest } = parseCommand({
      args: argv,
      allowPositionals: true,
      options: { ...helpOption, passkeys: { type: 'boolean' } },
    });
    if (values.help) {
      out(`Usage: tasktalk users mfa-reset EMAIL [--passkeys]

Turns the user's authenticator app (TOTP) off and deletes their recovery codes
and pending sign-ins, so they can sign in with their password alone and set up
two-factor authentication again. Check who is asking first: this removes the
account's second factor.
  --passkeys   also delete the user's passkeys`);
      return 0;
    }
    const [email] = positionals(rest, ['EMAIL']) as [string];
    return withDatabase(async ({ database }) => {
      const db = database.db;
      const user = await createUsersRepository(db).findByEmail(email);
      if (!user) throw new CliError(`No user with email ${normalizeEmail(email)}`);
      const totp = await db
        .delete(mfaTotp)
        .where(eq(mfaTotp.userId, user.id))
        .returning({ enabledAt: mfaTotp.enabledAt });
      const codes = await db
        .delete(mfaRecoveryCodes)
        .where(eq(mfaRecoveryCodes.userId, user.id))
        .returning({ id: mfaRecoveryCodes.id });
      await db.delete(mfaTokens).where(eq(mfaTokens.userId, user.id));
      let passkeysDeleted: number | null = null;
      if (values.passkeys) passkeysDeleted = await deletePasskeys(db, user.id);
      const wasOn = totp.some((row) => row.enabledAt !== null);
      await recordAdminEvent(db, 'mfa_reset', user.id, {
        actor: 'cli',
        totp_was_enabled: wasOn,
        recovery_codes_deleted: codes.length,
        ...(passkeysDeleted !== null ? { passkeys_deleted: passkeysDeleted } : {}),
      });
      const parts = [
        wasOn ? 'authenticator app turned off' : 'authenticator app was not on',
        `${plural(codes.length, 'recovery code')} deleted`,
        ...(passkeysDeleted !== null ? [`${plural(passkeysDeleted, 'passkey')} deleted`] : []),
      ];
      out(`Reset two-factor authentication of ${user.email}: ${parts.join(', ')}.`);
      out('They can now sign in with their password alone and set it up again in Settings.');
      return 0;
    });
  },
};

/** Deletes the user's passkeys (`--passkeys`: a lost phone may hold one); returns how many. */
async function deletePasskeys(db: Parameters<typeof recordAdminEvent>[0], userId: string): Promise<number> {
  const deleted = await db.delete(passkeys).where(eq(passkeys.userId, userId)).returning({ id: passkeys.id });
  return deleted.length;
}

export const mfaCommands: Command[] = [mfaReset];
