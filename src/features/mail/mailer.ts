import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Config } from '../../config.js';

/** One rendered mail (templates.ts). */
export interface Mail {
  /** Which template made it (`password_reset`, `new_device`…): the only thing about it a log line names. */
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The link inside, if any: shown in the log line when SMTP_URL is unset, never logged otherwise. */
  link?: string;
}

export interface Mailer {
  /** True when SMTP_URL is set: mails are sent, not logged. */
  readonly sending: boolean;
  /**
   * Queues a mail and returns at once: sending never blocks or fails the request
   * that caused it. A failed attempt is logged (kind, recipient, error; never the
   * content or a link) and retried after each of `retryDelaysMs`; then dropped
   * with an error line. The queue lives in this process: mails still waiting for a
   * retry when it stops are lost (their links stay valid; the user can ask again).
   */
  send(mail: Mail): void;
  /** Sends now, once, and throws on failure (the CLI, which reports it). Without SMTP_URL: the log line. */
  deliver(mail: Mail): Promise<void>;
  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void>;
  /** Stops retrying (logs what is dropped), waits for sends in flight, closes the connection pool. */
  close(): Promise<void>;
}

export interface MailerDeps {
  config: Pick<Config, 'mail'>;
  log: {
    info(obj: unknown, msg: string): void;
    warn(obj: unknown, msg: string): void;
    error(obj: unknown, msg: string): void;
  };
  /** Waits between attempts, ms (default 10 s, 1 min, 5 min, 30 min: five attempts over ~36 min). */
  retryDelaysMs?: number[];
}

const DEFAULT_RETRIES = [10_000, 60_000, 300_000, 1_800_000];

/**
 * Mail through nodemailer over SMTP (SPEC §3.8). Without SMTP_URL each mail is
 * one log line, marked as not sent, with its link, so a single-user install can
 * still reset a password or verify an address from its own log.
 */
export function createMailer(deps: MailerDeps): Mailer {
  const { config, log } = deps;
  const retries = deps.retryDelaysMs ?? DEFAULT_RETRIES;
  const transport = config.mail.smtpUrl
    ? nodemailer.createTransport(
        {
          url: config.mail.smtpUrl,
          // A mail server that hangs must not hold a send (or shutdown) for minutes.
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 20_000,
        },
        { from: config.mail.from },
      )
    : null;

  const inFlight = new Set<Promise<void>>();
  const waiting = new Map<NodeJS.Timeout, () => void>();
  let closing = false;

  const logUnsent = (mail: Mail) => {
    const link = mail.link ? `: ${mail.link}` : '';
    log.warn(
      { mail: mail.kind, to: mail.to },
      `mail not sent: SMTP_URL is unset. "${mail.subject}" to ${mail.to}${link}`,
    );
  };

  async function attempt(mail: Mail) {
    if (!transport) return logUnsent(mail);
    await transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
  }

  /** Resolves true after `ms`, or false at once when the mailer closes. */
  const pause = (ms: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(timer);
        resolve(true);
      }, ms);
      waiting.set(timer, () => resolve(false));
    });

  async function run(mail: Mail, id: string) {
    for (let n = 0; ; n++) {
      try {
        await attempt(mail);
        if (n > 0) log.info({ mail: mail.kind, mail_id: id, to: mail.to, attempt: n + 1 }, 'mail sent after a retry');
        return;
      } catch (error) {
        const delay = retries[n];
        const fields = { mail: mail.kind, mail_id: id, to: mail.to, attempt: n + 1, err: (error as Error).message };
        if (delay === undefined || closing) {
          log.error(fields, `mail dropped after ${n + 1} failed attempts`);
          return;
        }
        log.warn({ ...fields, retry_in_s: Math.round(delay / 1000) }, 'mail send failed; will retry');
        if (!(await pause(delay))) {
          log.error(fields, 'mail dropped: the server is stopping');
          return;
        }
      }
    }
  }

  return {
    sending: transport !== null,
    send(mail) {
      if (closing) {
        log.error({ mail: mail.kind, to: mail.to }, 'mail dropped: the server is stopping');
        return;
      }
      const task = run(mail, randomUUID()).finally(() => inFlight.delete(task));
      inFlight.add(task);
    },
    deliver: attempt,
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async close() {
      closing = true;
      for (const [timer, stop] of waiting) {
        clearTimeout(timer);
        stop();
      }
      waiting.clear();
      await Promise.allSettled([...inFlight]);
      transport?.close();
    },
  };
}
