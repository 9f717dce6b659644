/**
 * Fastify's pino options. Credentials never reach the log (OWASP Logging Cheat
 * Sheet; ASVS 5.0 V16.2.5): auth headers, cookies and any password or token
 * field are redacted wherever they appear.
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
