import autocannon from 'autocannon';

/**
 * One load run, in its own process so the load generator never shares a core's
 * event loop with the server or with another load run. Reads its settings from
 * argv[2] (JSON), prints one JSON line of results.
 */
export interface LoadSpec {
  url: string;
  connections: number;
  durationSec: number;
  method?: 'GET' | 'POST';
  path: string;
  /** One Bearer token per connection, round robin (several users). */
  tokens?: string[];
  /** A JSON body, or one per connection (round robin). */
  bodies?: unknown[];
  /** Refresh scenario: one refresh token per connection, replaced by each answer. */
  refreshTokens?: string[];
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Responses by status code, to tell 401s from 503s when non2xx is not 0. */
  statuses: Record<string, number>;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
let next = 0;

interface Ctx {
  slot?: number;
  refresh?: string;
}

const instance = autocannon(
  {
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSec,
    timeout: 10,
    requests: [
      {
        method: spec.method ?? 'GET',
        path: spec.path,
        setupRequest: (req, context: Ctx) => {
          context.slot ??= next++;
          const slot = context.slot;
          const headers: Record<string, string> = { ...(req.headers as Record<string, string>) };
          if (spec.tokens?.length) headers.authorization = `Bearer ${spec.tokens[slot % spec.tokens.length]}`;
          let body: string | undefined;
          if (spec.refreshTokens) {
            context.refresh ??= spec.refreshTokens[slot % spec.refreshTokens.length];
            body = JSON.stringify({ refresh_token: context.refresh });
          } else if (spec.bodies?.length) {
            body = JSON.stringify(spec.bodies[slot % spec.bodies.length]);
          }
          if (body !== undefined) headers['content-type'] = 'application/json';
          return { ...req, headers, ...(body !== undefined ? { body } : {}) };
        },
        onResponse: (status, body, context: Ctx) => {
          if (spec.refreshTokens && status === 200) {
            context.refresh = (JSON.parse(body) as { refresh_token: string }).refresh_token;
          }
        },
      },
    ],
  },
  (error, result) => {
    if (error) {
      console.error(error);
      process.exit(1);
    }
    const out: LoadResult = {
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
      requests: result.requests.total,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      statuses: Object.fromEntries(
        Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, (stat as { count: number }).count]),
      ),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  },
);
process.on('SIGINT', () => instance.stop());
