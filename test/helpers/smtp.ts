import { createServer } from 'node:net';
import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server in the test process (the `smtp-server` package), the kind of
 * thing outside the product a test may start (SPEC §3.8: never a mock transport).
 * Every mail it accepts is parsed with mailparser and kept.
 */

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
}

export interface TestSmtp {
  /** `smtp://127.0.0.1:<port>` for SMTP_URL. */
  url: string;
  port: number;
  mails: ReceivedMail[];
  /** Starts listening (on the port chosen at creation). */
  start(): Promise<void>;
  /**
   * Waits until mail number `index` (from 0) to `to` whose subject matches has
   * arrived, and returns it; `count()` before an action gives the index of the next.
   */
  waitFor(to: string, subject?: RegExp, index?: number, limitMs?: number): Promise<ReceivedMail>;
  /** How many mails to `to` whose subject matches have arrived. */
  count(to: string, subject?: RegExp): number;
  /** Mails received so far for `to`. */
  to(address: string): ReceivedMail[];
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

const addresses = (value: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));

/**
 * An SMTP server on a free port, not yet listening unless `listen` is true (a test
 * of "the mail server is down" starts it later on the same port).
 */
export async function createTestSmtp(options: { listen?: boolean } = {}): Promise<TestSmtp> {
  const port = await freePort();
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: no self-signed STARTTLS for nodemailer to refuse.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          mails.push({
            to: addresses(parsed.to),
            from: addresses(parsed.from)[0] ?? '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  const matching = (to: string, subject?: RegExp) =>
    mails.filter((m) => m.to.includes(to) && (!subject || subject.test(m.subject)));
  let listening = false;
  const smtp: TestSmtp = {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
      listening = true;
    },
    to: (address) => mails.filter((m) => m.to.includes(address)),
    count: (to, subject) => matching(to, subject).length,
    async waitFor(to, subject, index = 0, limitMs = 30_000) {
      const started = Date.now();
      for (;;) {
        const found = matching(to, subject)[index];
        if (found) return found;
        if (Date.now() - started > limitMs) {
          throw new Error(
            `no mail to ${to}${subject ? ` matching ${subject}` : ''} within ${limitMs} ms; got: ${JSON.stringify(mails.map((m) => [m.to, m.subject]))}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
      listening = false;
    },
  };
  if (options.listen !== false) await smtp.start();
  return smtp;
}

/** The link (PUBLIC_URL/…?token=… or ?invite=…) in a mail's text. */
export function linkIn(mail: ReceivedMail): URL {
  const match = /https?:\/\/\S+?[?&](?:token|invite)=[A-Za-z0-9_-]{43}/.exec(mail.text);
  if (!match) throw new Error(`no link in mail "${mail.subject}":\n${mail.text}`);
  return new URL(match[0]);
}

/** The token of the link in a mail. */
export function tokenIn(mail: ReceivedMail): string {
  const url = linkIn(mail);
  return url.searchParams.get('token') ?? url.searchParams.get('invite') ?? '';
}
