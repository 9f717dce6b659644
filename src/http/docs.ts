import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import { isAuthGuard } from './auth-guard.js';
import { finishDocument } from './openapi-document.js';

const BEARER = [{ bearerAuth: [] }];

/** Whether a route's own hooks include the auth guard (src/http/auth-guard.ts marks it). */
function guarded(route: RouteOptions): boolean {
  return (['onRequest', 'preValidation', 'preHandler'] as const).some((hook) => {
    const fns = route[hook];
    return (Array.isArray(fns) ? fns : [fns]).some(isAuthGuard);
  });
}

/**
 * OpenAPI 3.1 generated from the same zod schemas the routes validate with.
 * Security is derived, not repeated: a route that names `schema.security` keeps
 * it; one whose hooks include the auth guard gets Bearer; every other route is
 * public (`security: []`). A guard added for a whole plugin (`app.addHook`)
 * cannot be seen here: such routes name `security` themselves, and
 * test/security/request-attacks checks every documented claim against a request.
 */
export async function registerDocs(app: FastifyInstance, config: Pick<Config, 'publicUrl'>) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tasktalk API',
        version: '0.1.0',
        description: 'Tasks, a chat assistant and an MCP endpoint behind email/password authentication.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or personal access token' },
          refreshCookie: { type: 'apiKey', in: 'cookie', name: 'refresh_token' },
        },
      },
    },
    transform: (input) => {
      const result = jsonSchemaTransform(input);
      const schema = { ...(result.schema as Record<string, unknown>) };
      schema.security ??= guarded(input.route) ? BEARER : [];
      return { ...result, schema };
    },
    transformObject: (input) =>
      finishDocument(jsonSchemaTransformObject(input) as Record<string, unknown>, config.publicUrl) as ReturnType<
        typeof jsonSchemaTransformObject
      >,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true }, config: { rateLimit: false } }, async () => app.swagger());
}
