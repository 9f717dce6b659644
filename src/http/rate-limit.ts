import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config, RateLimitRule } from '../config.js';
import { formatSeconds, formatWait } from '../lib/duration.js';
import { clientKey } from './client-key.js';
import { AppError } from './errors.js';
import type { Metrics } from './metrics.js';
import { createFallbackStore } from './rate-limit-store.js';

/**
 * Rate limits of SPEC §3.3 (OWASP ASVS 5.0 V6.3.1 against credential stuffing).
 * Counters live in memory, or in Redis when REDIS_URL is set so every instance
 * shares them; while Redis is unreachable each instance counts in memory.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  deps: {
    config: Config;
    redis: Redis | undefined;
    namespace: string;
    metrics: Metrics;
    log: { warn(obj: unknown, msg: string): void };
  },
) {
  const { config, redis, namespace, metrics } = deps;
  let lastWarning = 0;
  const warn = (err: Error) => {
    if (Date.now() - lastWarning < 60_000) return;
    lastWarning = Date.now();
    deps.log.warn({ err }, 'rate-limit store unreachable: counting in process memory');
  };
  const rule = config.rateLimit.default;
  await app.register(rateLimit, {
    global: config.rateLimit.enabled,
    max: rule.max,
    timeWindow: rule.windowMs,
    // After the auth guard (onRequest), so the default limit is per user.
    hook: 'preHandler',
    keyGenerator: (request) =>
      request.principal ? `default:u:${request.principal.userId}` : `default:${clientKey(request.ip)}`,
    ...(redis ? { store: createFallbackStore(redis, `${namespace}:rl:`, warn) } : {}),
    skipOnError: true,
    enableDraftSpec: true, // RateLimit-Limit / -Remaining / -Reset headers
    errorResponseBuilder: (request, context) => {
      metrics.rateLimited.inc({ limit: request.routeOptions.config.rateLimitName ?? 'default' });
      return rateLimited(context.ttl);
    },
  });
}

/**
 * The 429 of every limit: `Retry-After` in whole seconds (RFC 9110 §10.2.3, for
 * programs), the message in the unit a person reads (minutes past 90 s).
 */
export function rateLimited(ttlMs: number, headers: Record<string, string> = {}): AppError {
  return new AppError('RATE_LIMITED', `Too many requests. Please try again in ${formatWait(ttlMs)}`, {
    headers: { ...headers, 'retry-after': String(formatSeconds(ttlMs)) },
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimitName?: string;
  }
}

/** Route config for a named limit keyed by client IP, IPv6 by /64 (or by `key` when given). */
export function limitConfig(
  config: Config,
  name: string,
  rule: RateLimitRule,
  key: (request: FastifyRequest) => string = (request) => clientKey(request.ip),
): { rateLimit: RateLimitOptions | false; rateLimitName: string } {
  if (!config.rateLimit.enabled) return { rateLimit: false, rateLimitName: name };
  return {
    rateLimitName: name,
    rateLimit: { max: rule.max, timeWindow: rule.windowMs, keyGenerator: (request) => `${name}:${key(request)}` },
  };
}
