import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Helmet's security headers (OWASP Secure Headers Project: CSP, HSTS on https,
 * nosniff, frame options, referrer policy, cross-origin policies), worked out once
 * at start and copied onto every reply. @fastify/helmet built a new helmet
 * middleware for every request, parsing the CSP directives each time (~4% of a task
 * list request's CPU, decision 013); they never change while the server runs (no
 * per-request nonces: the web app loads its scripts and styles from 'self').
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => {});
  return headers;
}

/**
 * Sets the headers in the one hook every request passes anyway. API answers are
 * personal: `Cache-Control: no-store` (OWASP REST Security Cheat Sheet), set before
 * the handler, which may choose otherwise.
 */
export function registerSecurityHeaders(app: FastifyInstance, options: HelmetOptions) {
  const headers = securityHeaders(options);
  const api = { ...headers, 'cache-control': 'no-store' };
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.url.startsWith('/api/') ? api : headers);
    done();
  });
}
