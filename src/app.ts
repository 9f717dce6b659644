import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { PasskeyAssertion } from './contracts/passkeys.js';
import type { Database } from './db/client.js';
import { tunePglitePlanner } from './db/pglite-planner.js';
import { accountDataRoutes } from './features/account/account-data.routes.js';
import { createAuthModule } from './features/auth/auth.module.js';
import { eventRecorder } from './features/auth/events.js';
import type { PasswordHasher } from './features/auth/passwords.js';
import { createUsersRepository } from './features/auth/users.repository.js';
import { registerChat } from './features/chat/chat.module.js';
import { emailRoutes } from './features/email/email.routes.js';
import { createEmailChange } from './features/email/email-change.service.js';
import { createEmailVerification } from './features/email/verification.service.js';
import { createLinkTokens } from './features/links/link-tokens.js';
import { createMailBudget } from './features/mail/mail-budget.js';
import { createMailer } from './features/mail/mailer.js';
import { createSecurityNotices } from './features/mail/security-notices.js';
import type { NotifySecondFactor } from './features/mail/templates.js';
import { registerMcp } from './features/mcp/mcp.routes.js';
import { mfaRoutes } from './features/mfa/mfa.routes.js';
import { createMfa } from './features/mfa/mfa.service.js';
import { createOAuthModule, type OAuthModuleDeps } from './features/oauth/oauth.module.js';
import { createPasskeysModule } from './features/passkeys/passkeys.module.js';
import { recoveryRoutes } from './features/recovery/recovery.routes.js';
import { createRecoveryService, recoveryHooks } from './features/recovery/recovery.service.js';
import { signupRoutes } from './features/signup/signup.routes.js';
import { createSignup } from './features/signup/signup.service.js';
import { tasksRoutes } from './features/tasks/tasks.routes.js';
import { registerDocs } from './http/docs.js';
import { clientErrorHandler, frameworkErrors, registerClosing, registerErrorHandling } from './http/error-handler.js';
import { registerHealth } from './http/health.js';
import { createMetrics, registerMetrics } from './http/metrics.js';
import { registerRateLimits } from './http/rate-limit.js';
import { registerRequestLog } from './http/request-log.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { createSerializerCompiler } from './http/serializer.js';
import { registerStatic } from './http/static.js';
import { type Clock, systemClock } from './lib/clock.js';
import { loggerOptions } from './lib/logger.js';

export interface AppDeps {
  config: Config;
  database: Database;
  clock?: Clock;
  /** A pino logger, or false for none (benchmarks). Defaults to one built from config. */
  logger?: FastifyBaseLogger | false;
  /** Shared by tests so they do not pay for a hasher per app. */
  hasher?: PasswordHasher;
  /** Prefix of Redis keys and channels; tests give each app group its own. */
  redisNamespace?: string;
  /** Tests only: how the OAuth server reaches client metadata documents (a test CA, test names). */
  oauthClientMetadata?: OAuthModuleDeps['clientMetadata'];
  /** Tests: every response is also checked by zod and must be written identically (src/http/serializer.ts). */
  verifyResponses?: boolean;
  /** Tests only: waits between attempts to send a mail (default: 10 s, 1 min, 5 min, 30 min). */
  mailRetryDelaysMs?: number[];
}

async function connectRedis(url: string, log: FastifyBaseLogger) {
  // Loaded only when configured: the embedded default never pays for it (docs/decisions/010).
  const { Redis } = await import('ioredis');
  // Fail fast while Redis is down: limits fall back (skipOnError), requests are not held.
  const options = { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000, enableOfflineQueue: false };
  const publisher = new Redis(url, options);
  const subscriber = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null });
  for (const client of [publisher, subscriber]) {
    // ioredis reconnects by itself; without a listener an outage would crash the process.
    client.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error'));
  }
  await Promise.all([publisher.connect(), subscriber.connect()]);
  return { publisher, subscriber };
}

/** Builds the whole app from its dependencies; every feature is registered in the list below. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database } = deps;
  const clock = deps.clock ?? systemClock;
  const options: FastifyServerOptions = {
    ...(deps.logger === false
      ? { logger: false }
      : deps.logger
        ? { loggerInstance: deps.logger }
        : { logger: loggerOptions(config.logLevel) }),
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy as FastifyServerOptions['trustProxy'],
    // Both answered in problem+json by src/http/error-handler.ts (SPEC §3).
    return503OnClosing: false,
    clientErrorHandler,
    // One line per request instead of Fastify's two (src/http/request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    frameworkErrors,
    routerOptions: { ignoreTrailingSlash: true },
  };
  const app = Fastify(options) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(createSerializerCompiler({ verify: deps.verifyResponses ?? false }));
  registerErrorHandling(app);
  registerClosing(app);

  const redis = config.redisUrl ? await connectRedis(config.redisUrl, app.log) : undefined;
  const namespace = deps.redisNamespace ?? 'tasktalk';
  const metrics = createMetrics();
  // PGlite has no autovacuum and memory-speed pages: src/db/pglite-planner.ts.
  const planner = database.kind === 'pglite' ? await tunePglitePlanner(database.db, { log: app.log }) : undefined;
  const db = database.db;

  // Mail and emailed links (SPEC §3.8); sign-up modes, verification and security mails hook into auth.
  const mailer = createMailer({
    config,
    log: app.log,
    ...(deps.mailRetryDelaysMs ? { retryDelaysMs: deps.mailRetryDelaysMs } : {}),
  });
  const links = createLinkTokens({ db, clock, publicUrl: config.publicUrl });
  const mailBudget = createMailBudget({
    rule: config.rateLimit.linkMail,
    enabled: config.rateLimit.enabled,
    clock,
    redis: redis?.publisher,
    namespace,
    log: app.log,
  });
  const users = createUsersRepository(db);
  const event = eventRecorder(db, clock);
  const signup = createSignup({ config, links });
  const verification = createEmailVerification({ config, clock, users, links, mailer, mailBudget, event });
  const notices = createSecurityNotices({ config, mailer, now: () => clock.now() });
  // Second factors (SPEC §3.9): a sign-in challenge and the step-up check join auth as hooks.
  // OWASP Authentication Cheat Sheet: tell the owner when how their account is protected changes.
  const notifySecondFactor: NotifySecondFactor = async (userId, meta, change) => {
    const user = await users.findById(userId);
    if (user) notices.secondFactorChanged(user, meta, change);
  };
  const mfa = createMfa({
    db,
    clock,
    users,
    event,
    encryptionKey: config.mfaEncryptionKey,
    notify: notifySecondFactor,
  });

  const auth = await createAuthModule({
    config,
    db: database.db,
    clock,
    metrics,
    redis,
    redisNamespace: namespace,
    // Another process may share a PostgreSQL database without Redis (workers, the CLI).
    ...(database.kind === 'postgres' && !redis ? { revocationPollMs: 500 } : {}),
    log: app.log,
    ...(deps.hasher ? { hasher: deps.hasher } : {}),
    hooks: [signup.hooks, verification.hooks, notices.hooks, recoveryHooks(links), mfa.hooks],
  });
  const recovery = createRecoveryService({
    config,
    db,
    clock,
    hasher: auth.hasher,
    users,
    links,
    mailer,
    mailBudget,
    notices,
    revoker: auth.service.revoker,
    event,
    log: app.log,
  });
  const emailChange = createEmailChange({
    config,
    db,
    clock,
    users,
    links,
    mailer,
    mailBudget,
    revoker: auth.service.revoker,
    reauthenticate: auth.service.reauthenticate,
    event,
  });
  const passkeys = createPasskeysModule({ config, db, clock, auth, event, log: app.log, notify: notifySecondFactor });
  // A passkey answers a step-up, and counts among a two-factor login's `methods` (SPEC §3.9).
  mfa.attachPasskeys({
    countPasskeys: passkeys.countPasskeys,
    verifyStepUp: (userId, response) => passkeys.verifyPasskeyStepUp(userId, response as PasskeyAssertion),
  });
  app.decorateRequest('principal', null);
  const oauth = await createOAuthModule({
    config,
    db: database.db,
    clock,
    auth,
    ...(deps.oauthClientMetadata ? { clientMetadata: deps.oauthClientMetadata } : {}),
  });

  const https = config.publicUrl.startsWith('https:');
  registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        // On plain-http deployments (localhost) an upgrade would break every request.
        'upgrade-insecure-requests': https ? [] : null,
      },
    },
    hsts: https,
  });
  // Without CORS_ORIGINS nothing is cross-origin: no hook on every request (an OPTIONS preflight is a 404 either way).
  if (config.corsOrigins.length > 0) await app.register(cors, { origin: config.corsOrigins, credentials: true });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: config.bodyLimit });

  await registerDocs(app, config);
  registerMetrics(app, metrics);
  if (deps.logger !== false) registerRequestLog(app);
  await registerRateLimits(app, { config, redis: redis?.publisher, namespace, metrics, log: app.log });

  // Features, in one visible list.
  registerHealth(app, database);
  await auth.register(app);
  await app.register(
    accountDataRoutes({
      db: database.db,
      guard: auth.guard,
      service: auth.service,
      devices: auth.devices,
      clock,
      config,
    }),
    { prefix: '/api/auth' },
  );
  await app.register(signupRoutes(signup), { prefix: '/api/auth' });
  await app.register(
    mfaRoutes({
      config,
      clock,
      mfa,
      service: auth.service,
      guard: auth.guard,
      budget: auth.budget,
      devices: auth.devices,
    }),
    { prefix: '/api/auth' },
  );
  await app.register(recoveryRoutes({ config, service: recovery }), { prefix: '/api/auth' });
  await app.register(
    emailRoutes({
      config,
      verification,
      change: emailChange,
      guard: auth.guard,
      tokens: auth.tokens,
      devices: auth.devices,
    }),
    { prefix: '/api/auth' },
  );
  await passkeys.register(app);
  await app.register(tasksRoutes({ db: database.db, guard: auth.guard, clock }));
  await registerChat(app, { config, db: database.db, guard: auth.guard, clock, log: app.log });
  await oauth.register(app);
  registerMcp(app, { config, db: database.db, guard: auth.guard, oauth: oauth.resourceTokens, clock, log: app.log });
  await registerStatic(app, config); // last: the web app's history fallback must not shadow API routes

  app.addHook('onClose', async () => {
    planner?.stop();
    await recovery.settled();
    await mailer.close();
    await auth.close();
    // quit() waits for a reply; while Redis is down that would hold shutdown.
    if (redis) for (const client of [redis.publisher, redis.subscriber]) client.disconnect();
  });
  app.decorate('auth', auth);
  app.decorate('mail', { mailer, recovery });
  app.decorate('mfa', mfa);
  app.decorate('passkeys', passkeys);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    auth: Awaited<ReturnType<typeof createAuthModule>>;
    /** The mail queue and deferred reset requests (tests wait on them). */
    mail: { mailer: ReturnType<typeof createMailer>; recovery: ReturnType<typeof createRecoveryService> };
    /** Second factors (features/mfa): `attachPasskeys` lets the passkeys feature answer challenges and step-ups. */
    mfa: ReturnType<typeof createMfa>;
    /** Passkeys (features/passkeys): ceremonies, and step-up verification lent to mfa. */
    passkeys: ReturnType<typeof createPasskeysModule>;
  }
}
