import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config, RateLimitRule } from '../config.js';
import { formatSeconds } from '../lib/duration.js';
import { AppError } from './errors.js';
import type { Metrics } from './metrics.js';

/**
 * Rate limits of SPEC §3.3 (OWASP ASVS 5.0 V6.3.1 against credential stuffing).
 * Counters live in memory, or in Redis when REDIS_URL is set so every instance
 * shares them; if Redis fails the request is let through rather than refused.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  deps: { config: Config; redis: Redis | undefined; namespace: string; metrics: Metrics },
) {
  const { config, redis, namespace, metrics } = deps;
  const rule = config.rateLimit.default;
  await app.register(rateLimit, {
    global: config.rateLimit.enabled,
    max: rule.max,
    timeWindow: rule.windowMs,
    // After the auth guard (onRequest), so the default limit is per user.
    hook: 'preHandler',
    keyGenerator: (request) =>
      request.principal ? `default:u:${request.principal.userId}` : `default:ip:${request.ip}`,
    ...(redis ? { redis, nameSpace: `${namespace}:rl:` } : {}),
    skipOnError: true,
    enableDraftSpec: true, // RateLimit-Limit / -Remaining / -Reset headers
    errorResponseBuilder: (request, context) => {
      const seconds = formatSeconds(context.ttl);
      metrics.rateLimited.inc({ limit: request.routeOptions.config.rateLimitName ?? 'default' });
      return new AppError('RATE_LIMITED', `Too many requests. Please try again in ${seconds} seconds`, {
        headers: { 'retry-after': String(seconds) },
      });
    },
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
