import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { loopbackRedirect } from '../../src/http/loopback-redirect.js';
import { registerStatic } from '../../src/http/static.js';
import { createTestApp, register } from '../helpers/app.js';

/**
 * Issue 12 / SPEC §4: opening the app at http://127.0.0.1:3000 while PUBLIC_URL
 * is http://localhost:3000 must not sign the user out silently. Pages on another
 * loopback name are redirected; API calls and probes never are; a refused cookie
 * request says why. docs/decisions/007 explains the limits.
 */

describe('which requests are redirected', () => {
  const defaults = loopbackRedirect(loadConfig({}));

  it.each([
    ['127.0.0.1:3000', '/tasks?status=pending', 'http://localhost:3000/tasks?status=pending'],
    ['[::1]:3000', '/', 'http://localhost:3000/'],
    ['127.1.2.3:3000', '/login?next=%2Fsettings', 'http://localhost:3000/login?next=%2Fsettings'],
  ])('%s%s → %s', (host, url, target) => {
    expect(defaults(host, url)).toBe(target);
  });

  it.each([
    ['localhost:3000', 'already PUBLIC_URL'],
    ['LOCALHOST:3000', 'the same name in capitals'],
    ['mybox.lan:3000', 'a LAN name: localhost would be the visitor’s own machine'],
    ['192.168.1.20:3000', 'a LAN address'],
    ['127.0.0.1:8080', 'another port: something else (a proxy) is in between'],
    ['not a host', 'garbage'],
  ])('%s is not redirected (%s)', (host) => {
    expect(defaults(host, '/')).toBeNull();
  });

  it('never redirects when PUBLIC_URL is not a loopback URL on this server’s own port (a proxy may rewrite Host)', () => {
    const proxied = loopbackRedirect(loadConfig({ PUBLIC_URL: 'https://tasks.example.com' }));
    expect(proxied('127.0.0.1:3000', '/')).toBeNull();
    const otherPort = loopbackRedirect(loadConfig({ PUBLIC_URL: 'http://localhost:8080', PORT: '3000' }));
    expect(otherPort('127.0.0.1:3000', '/')).toBeNull();
    expect(otherPort('127.0.0.1:8080', '/')).toBeNull();
  });
});

describe('the web app’s pages', () => {
  const root = mkdtempSync(join(tmpdir(), 'tasktalk-web-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Tasktalk</title>');
  const app = Fastify();
  app.get('/api/tasks', async () => ({ items: [] }));
  app.get('/healthz', async () => ({ status: 'ok' }));
  beforeAll(() => registerStatic(app, loadConfig({}), root));
  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });
  const html = { accept: 'text/html' };

  it('a page opened at 127.0.0.1 is sent to PUBLIC_URL with a 307, path and query kept', async () => {
    const res = await app.inject({ url: '/tasks?from=bookmark', headers: { ...html, host: '127.0.0.1:3000' } });
    expect(res.statusCode).toBe(307);
    expect(res.headers.location).toBe('http://localhost:3000/tasks?from=bookmark');
    const atPublic = await app.inject({ url: '/tasks', headers: { ...html, host: 'localhost:3000' } });
    expect(atPublic.statusCode).toBe(200);
  });

  it('API calls, probes and non-HTML requests keep the name they used', async () => {
    for (const url of ['/api/tasks', '/healthz']) {
      const res = await app.inject({ url, headers: { ...html, host: '127.0.0.1:3000' } });
      expect(res.statusCode, url).toBe(200);
    }
    const json = await app.inject({ url: '/tasks', headers: { accept: 'application/json', host: '127.0.0.1:3000' } });
    expect(json.statusCode).toBe(404);
  });
});

describe('a refused cookie request says why', () => {
  it('403 INVALID_ORIGIN names the address used and PUBLIC_URL (instead of a silent sign-out)', async () => {
    const t = await createTestApp();
    try {
      const user = await register(t.app);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        headers: { origin: 'http://mybox.lan:3000' },
        cookies: { refresh_token: user.refreshToken },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'INVALID_ORIGIN' });
      expect(res.json().detail).toContain(
        'This address (http://mybox.lan:3000) is not the configured PUBLIC_URL (http://localhost:3000)',
      );
      const missing = await t.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        cookies: { refresh_token: user.refreshToken },
      });
      expect(missing.json().detail).toMatch(/must carry an Origin header/);
    } finally {
      await t.close();
    }
  });
});
