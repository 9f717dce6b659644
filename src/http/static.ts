import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { projectRoot } from '../lib/project-root.js';
import { AppError } from './errors.js';
import { loopbackRedirect } from './loopback-redirect.js';

/** The built web app (npm run build → web/dist). */
export const WEB_DIST = join(projectRoot(), 'web', 'dist');

// Vite puts content-hashed files under /assets/: their URL changes with their
// bytes, so browsers may keep them forever. index.html must be revalidated.
const IMMUTABLE = { cacheControl: false } as const;
const ONE_YEAR = 'public, max-age=31536000, immutable';

function wantsHtml(request: FastifyRequest) {
  return (request.headers.accept ?? '').includes('text/html');
}

function notFound(request: FastifyRequest) {
  return new AppError('NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`);
}

/**
 * Serves the single-page app. Registered after every API route, so those win;
 * a GET that matches nothing else gets index.html (history fallback) when the
 * client accepts HTML, and the JSON 404 otherwise (always under /api/).
 */
export async function registerStatic(
  app: FastifyInstance,
  config: Pick<Config, 'publicUrl' | 'port'>,
  root = WEB_DIST,
) {
  if (!existsSync(join(root, 'index.html'))) {
    app.log.warn(`web app not built (${root}/index.html missing): run npm run build`);
    return;
  }
  const topLevel = new Set(
    readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name),
  );
  await app.register(fastifyStatic, { root, serve: false, dotfiles: 'deny' });
  const redirect = loopbackRedirect(config);

  app.get('/*', { schema: { hide: true }, config: { rateLimit: false } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path.startsWith('/api/') || path === '/api') throw notFound(request);
    if (path.startsWith('/assets/')) {
      // send() refuses traversal and answers a missing file through the 404 handler.
      return reply.header('cache-control', ONE_YEAR).sendFile(path.slice(1), IMMUTABLE);
    }
    const name = path.slice(1);
    if (topLevel.has(name) && name !== 'index.html') {
      return reply.header('cache-control', 'no-cache').sendFile(name, IMMUTABLE);
    }
    if (!wantsHtml(request)) {
      // `curl /` sends Accept: */*: say what this address is instead of a bare "not found".
      throw new AppError(
        'NOT_FOUND',
        `${path} is a page of the web app: a browser gets it (Accept: text/html); the API is under /api/ (see /docs)`,
      );
    }
    // Pages only: API clients and probes keep whatever name they used.
    const canonical = redirect(request.host, request.url);
    if (canonical) return reply.redirect(canonical, 307);
    return reply.header('cache-control', 'no-cache').sendFile('index.html', IMMUTABLE);
  });
}
