import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config, RateLimitRule } from '../config.js';
import { formatSeconds, formatWait } from '../lib/duration.js';
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
      request.principal ? `default:u:${request.principal.userId}` : `default:ip:${request.ip}`,
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
export function rateLimited(ttlMs: number): AppError {
  return new AppError('RATE_LIMITED', `Too many requests. Please try again in ${formatWait(ttlMs)}`, {
    headers: { 'retry-after': String(formatSeconds(ttlMs)) },
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    rateLimitName?: string;
  }
}

/** Route config for a named limit keyed by client IP (or by `key` when given). */
export function limitConfig(
  config: Config,
  name: string,
  rule: RateLimitRule,
  key: (request: FastifyRequest) => string = (request) => `ip:${request.ip}`,
): { rateLimit: RateLimitOptions | false; rateLimitName: string } {
  if (!config.rateLimit.enabled) return { rateLimit: false, rateLimitName: name };
  return {
    rateLimitName: name,
    rateLimit: { max: rule.max, timeWindow: rule.windowMs, keyGenerator: (request) => `${name}:${key(request)}` },
  };
}

/**
 * A second limit on a route that already has one (login: per IP and per email).
 * @fastify/rate-limit runs only the first of its own hooks on a request (one shared
 * "ran" flag), so a second `app.rateLimit()` hook would silently disable the route's
 * limit. This one counts through `createRateLimit` and refuses the same way.
 */
export function secondaryLimit(
  app: FastifyInstance,
  config: Config,
  name: string,
  rule: RateLimitRule,
  key: (request: FastifyRequest) => string,
) {
  if (!config.rateLimit.enabled) return undefined;
  const check = app.createRateLimit({
    max: rule.max,
    timeWindow: rule.windowMs,
    keyGenerator: (request) => `${name}:${key(request)}`,
  });
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await check(request);
    if (result.isAllowed || !result.isExceeded) return;
    reply
      .header('ratelimit-limit', result.max)
      .header('ratelimit-remaining', 0)
      .header('ratelimit-reset', formatSeconds(result.ttl));
    throw rateLimited(result.ttl);
  };
}
