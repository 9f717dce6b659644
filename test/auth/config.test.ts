import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

/** SPEC §3.7: configuration only through the environment, validated with messages that name the variable. */

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('defaults', () => {
  it('are those of SPEC §3.7', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:3000',
      dataDir: './data',
      databaseUrl: undefined,
      redisUrl: undefined,
      refreshTtlMs: 7 * 86_400_000,
      refreshReuseGraceMs: 10_000,
      sessionMaxAgeMs: 30 * 86_400_000,
      passwordPolicy: 'classes',
      trustProxy: false,
      corsOrigins: [],
      bodyLimit: 65_536,
      logLevel: 'info',
      secureCookies: true,
    });
    expect(config.jwt).toMatchObject({ algorithm: 'ES256', accessTtlMs: 900_000, issuer: 'http://localhost:3000' });
    expect(config.rateLimit).toEqual({
      enabled: true,
      register: { max: 3, windowMs: 3_600_000 },
      login: { max: 5, windowMs: 900_000 },
      refresh: { max: 30, windowMs: 60_000 },
      chat: { max: 60, windowMs: 60_000 },
      default: { max: 100, windowMs: 60_000 },
      oauthRegister: { max: 10, windowMs: 3_600_000 },
      forgot: { max: 10, windowMs: 3_600_000 },
      linkMail: { max: 3, windowMs: 3_600_000 },
    });
    // SPEC §3.7/§3.8: without SMTP_URL mails go to the log; sign-up is open, verification optional.
    expect(config.mail).toEqual({ smtpUrl: undefined, from: 'Tasktalk <no-reply@localhost>' });
    expect(config).toMatchObject({ signupMode: 'open', requireEmailVerification: false });
    // SPEC §3.10: the MCP resource is PUBLIC_URL/mcp; private client metadata hosts are off.
    expect(config.oauth).toEqual({ resource: 'http://localhost:3000/mcp', allowPrivateClientMetadata: false });
    expect(loadConfig({ OAUTH_ALLOW_PRIVATE_CLIENT_METADATA: 'true' }).warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/OAUTH_ALLOW_PRIVATE_CLIENT_METADATA=true/)]),
    );
  });

  it('PUBLIC_URL follows PORT; empty values count as unset', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PORT: '', JWT_ALGORITHM: '' }).port).toBe(3000);
  });
});

describe('values', () => {
  it('durations accept seconds and units: 900, 90s, 15m, 12h, 7d', () => {
    expect(loadConfig({ ACCESS_TOKEN_TTL: '900' }).jwt.accessTtlMs).toBe(900_000);
    expect(loadConfig({ REFRESH_REUSE_GRACE: '90s' }).refreshReuseGraceMs).toBe(90_000);
    expect(loadConfig({ ACCESS_TOKEN_TTL: '15m' }).jwt.accessTtlMs).toBe(900_000);
    expect(loadConfig({ REFRESH_TOKEN_TTL: '12h' }).refreshTtlMs).toBe(43_200_000);
    expect(loadConfig({ SESSION_MAX_AGE: '7d' }).sessionMaxAgeMs).toBe(604_800_000);
  });

  it('rate limits are count/window; RATE_LIMIT_ENABLED takes true/false words', () => {
    expect(loadConfig({ RATE_LIMIT_LOGIN: '2/1m' }).rateLimit.login).toEqual({ max: 2, windowMs: 60_000 });
    expect(loadConfig({ RATE_LIMIT_ENABLED: 'false' }).rateLimit.enabled).toBe(false);
    expect(loadConfig({ RATE_LIMIT_ENABLED: 'off' }).rateLimit.enabled).toBe(false);
  });

  it('an https PUBLIC_URL gives Secure cookies; plain http on another host warns', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://todo.example.com/' })).toMatchObject({
      publicUrl: 'https://todo.example.com',
      secureCookies: true,
      warnings: [],
    });
    const plain = loadConfig({ PUBLIC_URL: 'http://todo.example.com' });
    expect(plain.secureCookies).toBe(false);
    expect(plain.warnings.join('\n')).toContain('PUBLIC_URL');
  });

  it('CORS_ORIGINS are also allowed origins for cookie requests', () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://a.example.com, https://b.example.com/' });
    expect(config.allowedOrigins).toEqual(['http://localhost:3000', 'https://a.example.com', 'https://b.example.com']);
  });

  it('HS256 with a secret of at least 32 bytes', () => {
    const config = loadConfig({ JWT_ALGORITHM: 'HS256', JWT_SECRET: 'x'.repeat(32) });
    expect(config.jwt).toMatchObject({ algorithm: 'HS256', secret: 'x'.repeat(32) });
  });
});

describe('errors name the variable and what it allows', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT', 'port number'],
    [{ PORT: '70000' }, 'PORT', 'port number'],
    [{ PORT: '-1' }, 'PORT', ''],
    [{ JWT_ALGORITHM: 'HS512' }, 'JWT_ALGORITHM', 'ES256, EdDSA, RS256, HS256'],
    [{ JWT_ALGORITHM: 'none' }, 'JWT_ALGORITHM', 'ES256, EdDSA, RS256, HS256'],
    [{ ACCESS_TOKEN_TTL: '15 minutes' }, 'ACCESS_TOKEN_TTL', 'duration'],
    [{ REFRESH_TOKEN_TTL: '0' }, 'REFRESH_TOKEN_TTL', 'duration'],
    [{ REFRESH_REUSE_GRACE: '-5s' }, 'REFRESH_REUSE_GRACE', 'duration'],
    [{ SESSION_MAX_AGE: '30 days' }, 'SESSION_MAX_AGE', 'duration'],
    [{ RATE_LIMIT_LOGIN: '5 per 15m' }, 'RATE_LIMIT_LOGIN', 'count/window'],
    [{ RATE_LIMIT_LOGIN: '0/1m' }, 'RATE_LIMIT_LOGIN', 'count/window'],
    [{ RATE_LIMIT_REGISTER: '3/forever' }, 'RATE_LIMIT_REGISTER', 'count/window'],
    [{ RATE_LIMIT_DEFAULT: '100' }, 'RATE_LIMIT_DEFAULT', 'count/window'],
    [{ RATE_LIMIT_ENABLED: 'maybe' }, 'RATE_LIMIT_ENABLED', 'true or false'],
    [{ PASSWORD_POLICY: 'strong' }, 'PASSWORD_POLICY', 'classes or nist'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL', 'trace'],
    [{ LOG_FORMAT: 'text' }, 'LOG_FORMAT', 'pretty or json'],
    [{ DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL', 'postgres:'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL', 'redis:'],
    [{ PUBLIC_URL: 'todo.example.com' }, 'PUBLIC_URL', 'http:'],
    [{ CORS_ORIGINS: 'not a url' }, 'CORS_ORIGINS', 'origins'],
    [{ SMTP_URL: 'mail.example.com:587' }, 'SMTP_URL', 'smtp:'],
    [{ SIGNUP_MODE: 'friends' }, 'SIGNUP_MODE', 'open, invite or closed'],
    [{ REQUIRE_EMAIL_VERIFICATION: 'sometimes' }, 'REQUIRE_EMAIL_VERIFICATION', 'true or false'],
    [{ RATE_LIMIT_LINK_MAIL: '3' }, 'RATE_LIMIT_LINK_MAIL', 'count/window'],
    [{ JWT_ALGORITHM: 'HS256' }, 'JWT_SECRET', '32 bytes'],
    [{ JWT_ALGORITHM: 'HS256', JWT_SECRET: 'x'.repeat(31) }, 'JWT_SECRET', '32 bytes'],
  ] as Array<[Record<string, string>, string, string]>)('%j → %s', (env, variable, allowed) => {
    const message = configError(env);
    expect(message).toContain(`${variable}:`);
    expect(message).toContain(allowed);
  });

  it('TRUST_PROXY, BODY_LIMIT and a zero duration are refused with what the variable accepts', () => {
    expect(configError({ TRUST_PROXY: 'maybe' })).toMatch(
      /TRUST_PROXY: must be off, on, a hop count, or comma-separated/,
    );
    expect(configError({ TRUST_PROXY: '10.0.0.0/8/2' })).toContain('TRUST_PROXY');
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback, ::1' }).trustProxy).toBe('10.0.0.0/8, loopback, ::1');
    expect(configError({ BODY_LIMIT: '64kb' })).toContain('BODY_LIMIT: must be a number of bytes, at least 1024');
    expect(configError({ BODY_LIMIT: '10' })).toContain('BODY_LIMIT: must be a number of bytes, at least 1024');
    expect(configError({ ACCESS_TOKEN_TTL: '0' })).toContain('ACCESS_TOKEN_TTL: must be a duration above zero');
  });

  it('reports every bad variable at once, not one per restart', () => {
    const message = configError({ PORT: 'x', JWT_ALGORITHM: 'x', RATE_LIMIT_LOGIN: 'x' });
    for (const name of ['PORT', 'JWT_ALGORITHM', 'RATE_LIMIT_LOGIN']) expect(message).toContain(name);
  });

  it('does not echo a secret it refuses, nor a password inside a URL', () => {
    const secret = 'short-secret-value';
    expect(configError({ JWT_ALGORITHM: 'HS256', JWT_SECRET: secret })).not.toContain(secret);
    expect(configError({ DATABASE_URL: 'mysql://admin:hunter2@db/x' })).not.toContain('hunter2');
    expect(configError({ REDIS_URL: 'http://:hunter2@cache:6379' })).not.toContain('hunter2');
    expect(configError({ SMTP_URL: 'http://mailer:hunter2@mail.example.com' })).not.toContain('hunter2');
  });
});
