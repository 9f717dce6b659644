import type { Config } from '../config.js';
import { emailSchema } from '../contracts/auth.js';
import { createUsersRepository, normalizeEmail } from '../features/auth/users.repository.js';
import { createLinkTokens, LINK_PURPOSES } from '../features/links/link-tokens.js';
import { createMailer, type Mail } from '../features/mail/mailer.js';
import { mails } from '../features/mail/templates.js';
import {
  CliError,
  type Command,
  formatDate,
  helpOption,
  note,
  out,
  parseCommand,
  positionals,
  UsageError,
} from './cli.js';
import { withDatabase } from './context.js';
import { recordAdminEvent } from './revoke.js';

/**
 * Emailed links made by an administrator (SPEC §3.8): invitations and password
 * reset links. The link itself goes to stdout, alone on its line, and only there
 * (never to a log): `LINK=$(tasktalk users reset-password ada@example.com --print-link)`.
 * Everything else is said on stderr.
 */

/** Sends one mail now through SMTP_URL, and says so; the mail's content is never printed. */
async function mailNow(config: Config, mail: Mail) {
  const mailer = createMailer({
    config,
    // deliver() logs nothing when SMTP_URL is set; these never see a link.
    log: { info: () => {}, warn: () => {}, error: () => {} },
  });
  try {
    await mailer.deliver(mail);
  } catch (error) {
    throw new CliError(`Could not send the mail through SMTP_URL: ${(error as Error).message}`);
  } finally {
    await mailer.close();
  }
}

const days = (ms: number) => Math.round(ms / 86_400_000);

const invite: Command = {
  name: 'users invite',
  summary: 'Invite an address to register (SIGNUP_MODE=invite): prints the link and mails it',
  async run(argv) {
    const { values, positionals: rest } = parseCommand({
      args: argv,
      allowPositionals: true,
      options: { ...helpOption, 'no-mail': { type: 'boolean' } },
    });
    if (values.help) {
      out(`Usage: tasktalk users invite EMAIL [--no-mail]

Makes an invitation link, PUBLIC_URL/register?invite=…, that lets EMAIL (and only
that address) register, once, within ${days(LINK_PURPOSES.invite.ttlMs)} days; the address counts as verified.
The link is printed on stdout and, when SMTP_URL is set, mailed to EMAIL (not with
--no-mail). A new invitation for the same address replaces the previous one.
Needs SIGNUP_MODE=invite or open (with closed, nobody can register).`);
      return 0;
    }
    const [raw] = positionals(rest, ['EMAIL']) as [string];
    const email = emailSchema.safeParse(raw);
    if (!email.success) throw new UsageError(`not a valid email address: ${raw}`);
    return withDatabase(async ({ config, database }) => {
      if (config.signupMode === 'closed') {
        throw new CliError(
          'SIGNUP_MODE is closed: nobody can register, even with an invitation. Set SIGNUP_MODE=invite (or open), or create the user with `tasktalk users create`.',
        );
      }
      const db = database.db;
      if (await createUsersRepository(db).findByEmail(email.data)) {
        throw new CliError(`${email.data} already has an account`);
      }
      const links = createLinkTokens({ db, clock: { now: () => Date.now() }, publicUrl: config.publicUrl });
      const link = await links.issue('invite', { userId: null, email: email.data });
      await recordAdminEvent(db, 'admin_invite_created', null, { email: email.data });
      out(link.url);
      note(`Invitation for ${email.data}, valid until ${formatDate(link.expiresAt)} UTC.`);
      if (config.signupMode === 'open') {
        note('SIGNUP_MODE is open: anyone can register without an invitation; the link also works.');
      }
      if (values['no-mail']) return 0;
      if (!config.mail.smtpUrl) {
        note('Not mailed: SMTP_URL is unset. Send the link above to the invitee yourself.');
        return 0;
      }
      await mailNow(config, mails.invite({ publicUrl: config.publicUrl }, email.data, link.url));
      note(`Mailed to ${email.data}.`);
      return 0;
    });
  },
};

const resetPassword: Command = {
  name: 'users reset-password',
  summary: 'Mail a user a password reset link (or print it with --print-link)',
  async run(argv) {
    const { values, positionals: rest } = parseCommand({
      args: argv,
      allowPositionals: true,
      options: { ...helpOption, 'print-link': { type: 'boolean' } },
    });
    if (values.help) {
      out(`Usage: tasktalk users reset-password EMAIL [--print-link]

Makes a password reset link, PUBLIC_URL/reset-password?token=…, valid for
${LINK_PURPOSES.password_reset.ttlMs / 60_000} minutes and once, replacing any earlier one, and mails it to the user
through SMTP_URL. With --print-link the link is printed on stdout instead, and
not mailed: hand it to the user yourself. Using it signs out every device and
revokes the user's personal access tokens and connected apps.`);
      return 0;
    }
    const [email] = positionals(rest, ['EMAIL']) as [string];
    return withDatabase(async ({ config, database }) => {
      if (!values['print-link'] && !config.mail.smtpUrl) {
        throw new CliError(
          'SMTP_URL is unset, so nothing can be mailed: run again with --print-link to print the link.',
        );
      }
      const db = database.db;
      const user = await createUsersRepository(db).findByEmail(email);
      if (!user) throw new CliError(`No user with email ${normalizeEmail(email)}`);
      if (!user.isActive)
        throw new CliError(`${user.email} is disabled: run \`tasktalk users enable ${user.email}\` first`);
      const links = createLinkTokens({ db, clock: { now: () => Date.now() }, publicUrl: config.publicUrl });
      const link = await links.issue('password_reset', { userId: user.id, email: user.email });
      await recordAdminEvent(db, 'admin_reset_link_created', user.id, { mailed: !values['print-link'] });
      if (values['print-link']) {
        out(link.url);
        note(`Password reset link for ${user.email}, valid until ${formatDate(link.expiresAt)} UTC, once.`);
        return 0;
      }
      await mailNow(config, mails.passwordReset({ publicUrl: config.publicUrl }, user.email, link.url));
      note(`Mailed a password reset link to ${user.email} (valid until ${formatDate(link.expiresAt)} UTC).`);
      return 0;
    });
  },
};

export const linkCommands: Command[] = [invite, resetPassword];
