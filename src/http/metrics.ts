import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Prometheus metrics, one registry per app so tests can build many apps. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Histogram({
    name: 'tasktalk_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    registry,
    requests,
    logins: new Counter({
      name: 'tasktalk_logins_total',
      help: 'Login attempts',
      labelNames: ['result'],
      registers: [registry],
    }),
    refreshes: new Counter({
      name: 'tasktalk_refreshes_total',
      help: 'Refresh token exchanges',
      labelNames: ['result'],
      registers: [registry],
    }),
    reuseDetections: new Counter({
      name: 'tasktalk_refresh_reuse_detected_total',
      help: 'Rotated refresh tokens presented again after the grace window',
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'tasktalk_rate_limited_total',
      help: 'Requests refused by a rate limit',
      labelNames: ['limit'],
      registers: [registry],
    }),
    revocations: new Counter({
      name: 'tasktalk_session_revocations_total',
      help: 'Sessions revoked',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
export type AuthMetrics = Pick<Metrics, 'logins' | 'refreshes' | 'reuseDetections' | 'revocations'>;

export function registerMetrics(app: FastifyInstance, metrics: Metrics) {
  // One histogram child per method, route and status, looked up by a string key
  // instead of prom-client hashing a labels object on every response.
  const children = new Map<string, ReturnType<typeof metrics.requests.labels>>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let child = children.get(key);
    if (!child) {
      child = metrics.requests.labels({ method: request.method, route, status: String(reply.statusCode) });
      children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
