import { isIP } from 'node:net';
import { z } from 'zod';
import { parseDuration } from './lib/duration.js';

/**
 * The only reader of process.env. Every variable is parsed once, here; a bad
 * value stops start-up with a message naming the variable and what it allows.
 */

const duration = (example: string) =>
  z.string().transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `must be a duration above zero, such as 900, 90s, ${example}` });
      return z.NEVER;
    }
    return ms;
  });

export interface RateLimitRule {
  max: number;
  windowMs: number;
}

const rateRule = z.string().transform((value, ctx): RateLimitRule => {
  const [count, window] = value.split('/');
  const max = Number(count);
  const windowMs = window ? parseDuration(window) : null;
  if (!Number.isInteger(max) || max < 1 || windowMs === null) {
    ctx.addIssue({ code: 'custom', message: 'must be count/window, e.g. 5/15m or 100/1m' });
    return z.NEVER;
  }
  return { max, windowMs };
});

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: 'must be true or false',
  })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.join(' or ')}//` },
  );

const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int()
    .min(0)
    .max(65535, { error: 'must be a port number (0–65535)' })
    .default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  JWT_ALGORITHM: z
    .enum(['ES256', 'EdDSA', 'RS256', 'HS256'], { error: 'must be one of ES256, EdDSA, RS256, HS256' })
    .default('ES256'),
  JWT_SECRET: z.string().optional(),
  ACCESS_TOKEN_TTL: duration('15m').prefault('15m'),
  REFRESH_TOKEN_TTL: duration('7d').prefault('7d'),
  REFRESH_REUSE_GRACE: duration('10s').prefault('10s'),
  SESSION_MAX_AGE: duration('30d').prefault('30d'),
  PASSWORD_POLICY: z.enum(['classes', 'nist'], { error: 'must be classes or nist' }).default('classes'),
  RATE_LIMIT_ENABLED: bool.prefault('true'),
  RATE_LIMIT_REGISTER: rateRule.prefault('3/1h'),
  RATE_LIMIT_LOGIN: rateRule.prefault('5/15m'),
  RATE_LIMIT_REFRESH: rateRule.prefault('30/1m'),
  RATE_LIMIT_CHAT: rateRule.prefault('60/1m'),
  RATE_LIMIT_DEFAULT: rateRule.prefault('100/1m'),
  RATE_LIMIT_OAUTH_REGISTER: rateRule.prefault('10/1h'),
  RATE_LIMIT_FORGOT: rateRule.prefault('10/1h'),
  RATE_LIMIT_LINK_MAIL: rateRule.prefault('3/1h'),
  OAUTH_ALLOW_PRIVATE_CLIENT_METADATA: bool.prefault('false'),
  TRUST_PROXY: z.string().default('off').refine(isTrustProxy, {
    message: 'must be off, on, a hop count, or comma-separated proxy addresses/CIDRs (e.g. 10.0.0.0/8, loopback)',
  }),
  CORS_ORIGINS: z.string().default(''),
  BODY_LIMIT: z.coerce
    .number({ error: 'must be a number of bytes, at least 1024 (e.g. 65536)' })
    .int({ error: 'must be a number of bytes, at least 1024 (e.g. 65536)' })
    .min(1024, { error: 'must be a number of bytes, at least 1024 (e.g. 65536)' })
    .default(64 * 1024),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: url(['http:', 'https:']).optional(),
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  OPENAI_TIMEOUT: duration('60s').prefault('60s'),
  WEB_CONCURRENCY: z.coerce
    .number({ error: 'must be a whole number of worker processes' })
    .int({ error: 'must be a whole number of worker processes' })
    .min(1, { error: 'must be at least 1' })
    .max(64, { error: 'must be at most 64' })
    .default(1),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json'], { error: 'must be pretty or json' }).optional(),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).optional(),
  SIGNUP_MODE: z.enum(['open', 'invite', 'closed'], { error: 'must be open, invite or closed' }).default('open'),
  REQUIRE_EMAIL_VERIFICATION: bool.prefault('false'),
  MFA_ENCRYPTION_KEY: z
    .string()
    .transform((value, ctx) => {
      const key = parseKey(value.trim());
      if (!key) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be 32 random bytes as 64 hex digits or base64, e.g. from `openssl rand -base64 32`',
        });
        return z.NEVER;
      }
      return key;
    })
    .optional(),
  WEBAUTHN_RP_ID: z
    .string()
    .regex(/^[a-z0-9.-]+$/i, { error: 'must be a host name such as example.com (no scheme, port or path)' })
    .optional(),
});

/** 32 bytes (AES-256) as 64 hex digits or base64/base64url; null otherwise. */
function parseKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
    if (key.length === 32) return key;
  }
  return null;
}

export type Env = z.input<typeof envSchema>;

export interface Config {
  env: string;
  port: number;
  host: string;
  publicUrl: string;
  /** Origins allowed to make cookie-authenticated and CORS requests. */
  allowedOrigins: string[];
  corsOrigins: string[];
  /** Secure cookies: https, or localhost (browsers accept Secure there). */
  secureCookies: boolean;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  jwt: {
    algorithm: 'ES256' | 'EdDSA' | 'RS256' | 'HS256';
    secret: string | undefined;
    issuer: string;
    audience: string;
    accessTtlMs: number;
  };
  refreshTtlMs: number;
  refreshReuseGraceMs: number;
  sessionMaxAgeMs: number;
  passwordPolicy: 'classes' | 'nist';
  rateLimit: {
    enabled: boolean;
    register: RateLimitRule;
    login: RateLimitRule;
    refresh: RateLimitRule;
    chat: RateLimitRule;
    default: RateLimitRule;
    /** RFC 7591 client registrations per IP. */
    oauthRegister: RateLimitRule;
    /** POST /password/forgot per IP. */
    forgot: RateLimitRule;
    /** Mails carrying a link (reset, verification, email change) per recipient address. */
    linkMail: RateLimitRule;
  };
  oauth: {
    /** The MCP resource identifier (RFC 8707, RFC 9728): PUBLIC_URL/mcp. */
    resource: string;
    /** Fetch Client ID Metadata Documents from private/loopback addresses too (tests, closed networks). */
    allowPrivateClientMetadata: boolean;
  };
  mail: {
    /** smtp:// or smtps:// with credentials; unset: each mail is one log line, not sent. */
    smtpUrl: string | undefined;
    /** The From header: MAIL_FROM, or `Tasktalk <no-reply@PUBLIC_URL's host>`. */
    from: string;
  };
  /** Who may create an account through the API (SPEC §3.1). */
  signupMode: 'open' | 'invite' | 'closed';
  /** Refuse sign-in until the email address is verified (SPEC §3.8). */
  requireEmailVerification: boolean;
  /**
   * AES-256-GCM key for TOTP secrets (SPEC §3.9); undefined: a key generated once and
   * kept in the database (docs/decisions/015-second-factors.md).
   */
  mfaEncryptionKey: Buffer | undefined;
  /** Passkeys (SPEC §3.9): the relying party id and the origins their ceremonies may come from. */
  webauthn: { rpId: string; origins: string[] };
  trustProxy: boolean | number | string;
  bodyLimit: number;
  openai: {
    apiKey: string | undefined;
    baseUrl: string | undefined;
    model: string;
    /** Budget of one whole assistant turn (model calls, retries and tools together), ms. */
    timeoutMs: number;
  };
  logLevel: string;
  /** `pretty` or `json`; unset: pretty when stdout is a terminal, JSON otherwise (the server decides). */
  logFormat: 'pretty' | 'json' | undefined;
  /** Worker processes (node:cluster); more than one needs PostgreSQL and Redis. */
  webConcurrency: number;
  warnings: string[];
}

export class ConfigError extends Error {}

/** proxy-addr's named ranges, which Fastify's trustProxy accepts besides addresses. */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** A TRUST_PROXY value Fastify can use (checked here, so a typo names the variable). */
function isTrustProxy(value: string): boolean {
  if (typeof parseTrustProxy(value) !== 'string') return true;
  return value.split(',').every((entry) => {
    const item = entry.trim();
    if (PROXY_RANGES.has(item)) return true;
    const [address = '', prefix, extra] = item.split('/');
    if (extra !== undefined || isIP(address) === 0) return false;
    return prefix === undefined || /^\d{1,3}$/.test(prefix);
  });
}

function parseTrustProxy(value: string): boolean | number | string {
  const v = value.trim().toLowerCase();
  if (['off', 'false', '0', 'no', ''].includes(v)) return false;
  if (['on', 'true', 'yes'].includes(v)) return true;
  if (/^\d+$/.test(v)) return Number(v);
  return value; // comma-separated addresses/CIDRs, as Fastify accepts
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const SECRET_VARIABLES = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'JWT_SECRET',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'SMTP_URL',
  'MFA_ENCRYPTION_KEY',
]);

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset", as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      // URLs may hold a password and keys are secrets: the message goes to logs (SPEC §3.7).
      if (SECRET_VARIABLES.has(name)) return `  ${name}: ${issue.message}`;
      return `  ${name}: ${issue.message} (got ${JSON.stringify(cleaned[name] ?? '')})`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = result.data;
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  const parsedPublic = new URL(publicUrl);
  const warnings: string[] = [];

  if (env.JWT_ALGORITHM === 'HS256') {
    if (!env.JWT_SECRET || Buffer.byteLength(env.JWT_SECRET) < 32) {
      throw new ConfigError(
        'Invalid configuration:\n  JWT_SECRET: must be at least 32 bytes when JWT_ALGORITHM=HS256 (RFC 7518 §3.2)',
      );
    }
  } else if (env.JWT_SECRET) {
    warnings.push(`JWT_SECRET is ignored: JWT_ALGORITHM is ${env.JWT_ALGORITHM}, which uses generated key pairs`);
  }

  // Workers of one machine are separate processes: they can share neither an
  // embedded database folder nor in-memory revocations and rate-limit counters.
  if (env.WEB_CONCURRENCY > 1 && !env.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  WEB_CONCURRENCY: more than 1 worker needs DATABASE_URL (the embedded PGlite database belongs to one process)',
    );
  }
  if (env.WEB_CONCURRENCY > 1 && !env.REDIS_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  WEB_CONCURRENCY: more than 1 worker needs REDIS_URL (workers share rate limits and session revocations through Redis)',
    );
  }

  const corsOrigins = env.CORS_ORIGINS.split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const origin of corsOrigins) {
    try {
      new URL(origin);
    } catch {
      throw new ConfigError(
        `Invalid configuration:\n  CORS_ORIGINS: must be a comma-separated list of origins such as https://app.example.com (got ${JSON.stringify(origin)})`,
      );
    }
  }

  if (env.OAUTH_ALLOW_PRIVATE_CLIENT_METADATA) {
    warnings.push(
      'OAUTH_ALLOW_PRIVATE_CLIENT_METADATA=true: client metadata documents may be fetched from private and loopback addresses (meant for tests and closed networks).',
    );
  }

  if (env.REQUIRE_EMAIL_VERIFICATION && !env.SMTP_URL) {
    warnings.push(
      'REQUIRE_EMAIL_VERIFICATION=true without SMTP_URL: verification links are written to the log, not sent, so users cannot verify by themselves.',
    );
  }

  const secureCookies = parsedPublic.protocol === 'https:' || LOCAL_HOSTS.has(parsedPublic.hostname);
  if (!secureCookies) {
    warnings.push(
      `PUBLIC_URL ${publicUrl} is plain http on a non-local host: refresh cookies are sent without Secure. Use https in production.`,
    );
  }

  // WebAuthn L3 §5.1.4.1 / §7.1 step 9: the RP id is the origin's host or a registrable
  // suffix of it; a passkey works only under the id it was created for.
  const rpId = (env.WEBAUTHN_RP_ID ?? parsedPublic.hostname).toLowerCase();
  if (parsedPublic.hostname !== rpId && !parsedPublic.hostname.endsWith(`.${rpId}`)) {
    throw new ConfigError(
      `Invalid configuration:\n  WEBAUTHN_RP_ID: must be PUBLIC_URL's host (${parsedPublic.hostname}) or a parent domain of it (got ${JSON.stringify(rpId)})`,
    );
  }

  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    publicUrl,
    allowedOrigins: [parsedPublic.origin, ...corsOrigins.map((o) => new URL(o).origin)],
    corsOrigins: corsOrigins.map((o) => new URL(o).origin),
    secureCookies,
    dataDir: env.DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    jwt: {
      algorithm: env.JWT_ALGORITHM,
      secret: env.JWT_SECRET,
      issuer: publicUrl,
      audience: publicUrl,
      accessTtlMs: env.ACCESS_TOKEN_TTL,
    },
    refreshTtlMs: env.REFRESH_TOKEN_TTL,
    refreshReuseGraceMs: env.REFRESH_REUSE_GRACE,
    sessionMaxAgeMs: env.SESSION_MAX_AGE,
    passwordPolicy: env.PASSWORD_POLICY,
    rateLimit: {
      enabled: env.RATE_LIMIT_ENABLED,
      register: env.RATE_LIMIT_REGISTER,
      login: env.RATE_LIMIT_LOGIN,
      refresh: env.RATE_LIMIT_REFRESH,
      chat: env.RATE_LIMIT_CHAT,
      default: env.RATE_LIMIT_DEFAULT,
      oauthRegister: env.RATE_LIMIT_OAUTH_REGISTER,
      forgot: env.RATE_LIMIT_FORGOT,
      linkMail: env.RATE_LIMIT_LINK_MAIL,
    },
    oauth: {
      resource: `${publicUrl}/mcp`,
      allowPrivateClientMetadata: env.OAUTH_ALLOW_PRIVATE_CLIENT_METADATA,
    },
    mail: {
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM ?? `Tasktalk <no-reply@${parsedPublic.hostname}>`,
    },
    signupMode: env.SIGNUP_MODE,
    requireEmailVerification: env.REQUIRE_EMAIL_VERIFICATION,
    mfaEncryptionKey: env.MFA_ENCRYPTION_KEY,
    // PUBLIC_URL's origin, and CORS_ORIGINS under the RP id (the dev server on :5173).
    // Not other loopback names: they are redirected to PUBLIC_URL (decision 008), and
    // 127.0.0.1 could not use a passkey made for localhost anyway.
    webauthn: {
      rpId,
      origins: [parsedPublic.origin, ...corsOrigins.map((o) => new URL(o).origin)].filter((origin) => {
        const host = new URL(origin).hostname;
        return host === rpId || host.endsWith(`.${rpId}`);
      }),
    },
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    bodyLimit: env.BODY_LIMIT,
    openai: {
      apiKey: env.OPENAI_API_KEY,
      baseUrl: env.OPENAI_BASE_URL,
      model: env.OPENAI_MODEL,
      timeoutMs: env.OPENAI_TIMEOUT,
    },
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    webConcurrency: env.WEB_CONCURRENCY,
    warnings,
  };
}
