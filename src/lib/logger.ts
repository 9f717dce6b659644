import { type DestinationStream, type Logger, pino } from 'pino';

/** `json`: one JSON object per line, for log collectors. `pretty`: one readable line, for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

/**
 * Fastify's pino options. Credentials never reach the log (OWASP Logging Cheat
 * Sheet; ASVS 5.0 V16.2.5): auth headers, cookies and any password or token
 * field are redacted wherever they appear. Redaction runs before formatting, so
 * it holds for both formats.
 */
export function loggerOptions(level: string) {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.current_password',
        '*.new_password',
        '*.access_token',
        '*.refresh_token',
        '*.token',
      ],
      censor: '[redacted]',
    },
  };
}

/** Fields that belong to the request line's message; the pretty format does not repeat them. */
const SHOWN_IN_MESSAGE =
  'pid,hostname,reqId,method,url,statusCode,responseTime,remoteAddress,ready_ms,database,listening';

/**
 * The server's logger, writing to `destination` (stdout by default: pino's own
 * fast writer for JSON). The pretty format formats each line synchronously
 * (pino-pretty's formatter, not its worker transport), so the last lines before
 * an exit are never lost; its module is only loaded when asked for.
 */
export async function createLogger(
  options: { level: string; format: LogFormat; colorize?: boolean },
  destination?: { write(chunk: string): unknown },
): Promise<Logger> {
  if (options.format === 'json') {
    return destination
      ? pino(loggerOptions(options.level), destination as DestinationStream)
      : pino(loggerOptions(options.level));
  }
  return pino(loggerOptions(options.level), await prettyStream(destination ?? process.stdout, options.colorize));
}

/** A pino destination writing each (already redacted) JSON line as one readable line to `out`. */
export async function prettyStream(out: { write(chunk: string): unknown }, colorize?: boolean) {
  const { prettyFactory } = await import('pino-pretty');
  const format = prettyFactory({
    ...(colorize === undefined ? {} : { colorize }),
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: SHOWN_IN_MESSAGE,
  });
  return { write: (line: string) => void out.write(format(line)) };
}
