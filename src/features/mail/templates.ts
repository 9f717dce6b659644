import type { Mail } from './mailer.js';

/**
 * Every mail Tasktalk sends, as plain text plus a simple HTML twin, from small
 * templates: a greeting, paragraphs, at most one button-link, and a footer naming
 * the product and PUBLIC_URL. Values are escaped in the HTML; links are only ever
 * ours (PUBLIC_URL), so a mail never carries an address a user typed as a link.
 */

const PRODUCT = 'Tasktalk';

export interface MailContext {
  publicUrl: string;
}

/** Where and when something happened, for security notices. */
export interface Occasion {
  at: Date;
  ip: string | null;
  userAgent: string | null;
  /** The user's IANA time zone, when they set one; UTC otherwise. */
  timeZone?: string | null | undefined;
}

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

function when(occasion: Occasion): string {
  const zone = occasion.timeZone ?? 'UTC';
  const text = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(
    occasion.at,
  );
  return `${text} (${zone})`;
}

function where(occasion: Occasion): string[] {
  return [
    `When: ${when(occasion)}`,
    `Browser or app: ${occasion.userAgent ?? 'unknown'}`,
    `IP address: ${occasion.ip ?? 'unknown'}`,
  ];
}

interface Body {
  kind: string;
  to: string;
  subject: string;
  paragraphs: string[];
  /** Lines shown together, as a small block (where and when). */
  facts?: string[];
  button?: { label: string; url: string };
  /** After the button: what to do if this was not you, how long the link lives. */
  after?: string[];
}

function compose(ctx: MailContext, body: Body): Mail {
  const footer = `${PRODUCT} · ${ctx.publicUrl}`;
  const text = [
    'Hello,',
    '',
    ...body.paragraphs.flatMap((p) => [p, '']),
    ...(body.facts ? [...body.facts, ''] : []),
    ...(body.button ? [`${body.button.label}:`, body.button.url, ''] : []),
    ...(body.after ?? []).flatMap((p) => [p, '']),
    '-- ',
    footer,
  ].join('\n');
  const p = (s: string) => `<p>${escapeHtml(s)}</p>`;
  const html = [
    '<!doctype html><html><body style="font-family: system-ui, sans-serif; color: #1f2328; line-height: 1.5; max-width: 36em">',
    p('Hello,'),
    ...body.paragraphs.map(p),
    ...(body.facts ? [`<p>${body.facts.map(escapeHtml).join('<br>')}</p>`] : []),
    ...(body.button
      ? [
          `<p><a href="${escapeHtml(body.button.url)}" style="display: inline-block; padding: 0.6em 1.2em; background: #1f6feb; color: #ffffff; border-radius: 6px; text-decoration: none">${escapeHtml(body.button.label)}</a></p>`,
          `<p style="font-size: 0.9em; color: #57606a">Or open this address: ${escapeHtml(body.button.url)}</p>`,
        ]
      : []),
    ...(body.after ?? []).map(p),
    `<hr><p style="font-size: 0.85em; color: #57606a">${escapeHtml(PRODUCT)} · <a href="${escapeHtml(ctx.publicUrl)}">${escapeHtml(ctx.publicUrl)}</a></p>`,
    '</body></html>',
  ].join('\n');
  return {
    kind: body.kind,
    to: body.to,
    subject: body.subject,
    text,
    html,
    ...(body.button ? { link: body.button.url } : {}),
  };
}

/** What changed about how an account proves its second factor (SPEC §3.9). */
export type SecondFactorChange =
  | 'totp_enabled'
  | 'totp_disabled'
  | 'recovery_codes_regenerated'
  | 'recovery_code_used'
  | 'passkey_added'
  | 'passkey_deleted';

/** Mails the account's owner about a change of its second factors (app.ts: security notices). */
export type NotifySecondFactor = (
  userId: string,
  meta: { ip: string | null; userAgent: string | null },
  change: SecondFactorChange,
) => Promise<void>;

const SECOND_FACTOR_SUBJECTS: Record<SecondFactorChange, string> = {
  totp_enabled: `Two-factor authentication is on for your ${PRODUCT} account`,
  totp_disabled: `Two-factor authentication was turned off for your ${PRODUCT} account`,
  recovery_codes_regenerated: `New recovery codes for your ${PRODUCT} account`,
  recovery_code_used: `A recovery code was used on your ${PRODUCT} account`,
  passkey_added: `A passkey was added to your ${PRODUCT} account`,
  passkey_deleted: `A passkey was removed from your ${PRODUCT} account`,
};

const SECOND_FACTOR_TEXT: Record<SecondFactorChange, string> = {
  totp_enabled: 'Signing in now asks for a code from your authenticator app after your password.',
  totp_disabled:
    'Signing in no longer asks for a code from an authenticator app, and your recovery codes were deleted.',
  recovery_codes_regenerated: 'New recovery codes were made; the old ones no longer work.',
  recovery_code_used:
    'One of your recovery codes was used (each works once). If you lost your phone, make new codes in Settings.',
  passkey_added: 'A new passkey can now sign in to your account without a password.',
  passkey_deleted: 'A passkey was removed and can no longer sign in to your account.',
};

const NOT_YOU = 'If this was not you, sign in and change your password now, then use "Log out everywhere" in Settings.';

export const mails = {
  passwordReset: (ctx: MailContext, to: string, link: string) =>
    compose(ctx, {
      kind: 'password_reset',
      to,
      subject: `Reset your ${PRODUCT} password`,
      paragraphs: [`Someone (hopefully you) asked to reset the password of your ${PRODUCT} account.`],
      button: { label: 'Choose a new password', url: link },
      after: [
        'The link works once, for 30 minutes. Setting a new password signs out every device and revokes your access tokens and connected apps.',
        'If you did not ask for this, ignore this mail: your password stays as it is.',
      ],
    }),

  emailVerification: (ctx: MailContext, to: string, link: string) =>
    compose(ctx, {
      kind: 'email_verification',
      to,
      subject: `Confirm your email address for ${PRODUCT}`,
      paragraphs: [`Please confirm that ${to} is your address for ${PRODUCT}.`],
      button: { label: 'Confirm my email address', url: link },
      after: [
        'The link works once, for 24 hours.',
        'If you did not create an account, ignore this mail: nothing happens.',
      ],
    }),

  emailChange: (ctx: MailContext, to: string, link: string) =>
    compose(ctx, {
      kind: 'email_change',
      to,
      subject: `Confirm your new email address for ${PRODUCT}`,
      paragraphs: [`Someone asked to use ${to} as the email address of their ${PRODUCT} account.`],
      button: { label: 'Use this address', url: link },
      after: [
        'The link works once, for 1 hour. Until you open it, the account keeps its old address.',
        'If this was not you, ignore this mail.',
      ],
    }),

  emailChangeRequested: (ctx: MailContext, to: string, newEmail: string, occasion: Occasion) =>
    compose(ctx, {
      kind: 'email_change_requested',
      to,
      subject: `Your ${PRODUCT} email address is about to change`,
      paragraphs: [
        `Someone signed in to your ${PRODUCT} account asked to change its email address to ${newEmail}. The change happens only when the link sent to that address is opened.`,
      ],
      facts: where(occasion),
      after: [NOT_YOU],
    }),

  emailChanged: (ctx: MailContext, to: string, newEmail: string, occasion: Occasion) =>
    compose(ctx, {
      kind: 'email_changed',
      to,
      subject: `Your ${PRODUCT} email address was changed`,
      paragraphs: [
        `The email address of your ${PRODUCT} account is now ${newEmail}. Mail about the account goes there from now on, and every other device was signed out.`,
      ],
      facts: where(occasion),
      after: [
        'If this was not you, contact the administrator of this Tasktalk server at once: whoever changed it controls the account.',
      ],
    }),

  passwordChanged: (ctx: MailContext, to: string, occasion: Occasion, how: 'changed' | 'reset') =>
    compose(ctx, {
      kind: 'password_changed',
      to,
      subject: `Your ${PRODUCT} password was changed`,
      paragraphs: [
        how === 'reset'
          ? `The password of your ${PRODUCT} account was reset with a link sent to this address. Every device was signed out, and access tokens and connected apps were revoked.`
          : `The password of your ${PRODUCT} account was changed. Every other device was signed out.`,
      ],
      facts: where(occasion),
      button: { label: 'Reset your password', url: `${ctx.publicUrl}/forgot-password` },
      after: ['If this was not you, reset your password with the button above now.'],
    }),

  newDevice: (ctx: MailContext, to: string, occasion: Occasion) =>
    compose(ctx, {
      kind: 'new_device',
      to,
      subject: `New sign-in to your ${PRODUCT} account`,
      paragraphs: [
        `Your ${PRODUCT} account was signed in to from a browser or app that has not signed in before. If that was you, there is nothing to do.`,
      ],
      facts: where(occasion),
      after: [NOT_YOU],
    }),

  secondFactorChanged: (ctx: MailContext, to: string, occasion: Occasion, change: SecondFactorChange) =>
    compose(ctx, {
      kind: 'second_factor_changed',
      to,
      subject: SECOND_FACTOR_SUBJECTS[change],
      paragraphs: [SECOND_FACTOR_TEXT[change]],
      facts: where(occasion),
      after: [NOT_YOU],
    }),

  invite: (ctx: MailContext, to: string, link: string) =>
    compose(ctx, {
      kind: 'invite',
      to,
      subject: `You are invited to ${PRODUCT}`,
      paragraphs: [`You are invited to create a ${PRODUCT} account with ${to}: todo lists with a chat assistant.`],
      button: { label: 'Create my account', url: link },
      after: ['The invitation works once, for 7 days, for this email address only.'],
    }),
};
