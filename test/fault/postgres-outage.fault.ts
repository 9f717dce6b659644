import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/db/client.js';
import { auth, json, type LiveServer, problemOf, registerUser, startServer } from '../security/http.js';
import { type PrivatePostgres, startPostgres, waitFor } from './services.js';

/** PostgreSQL goes away mid-run and comes back: 503s meanwhile, recovery without a restart. */

let pg: PrivatePostgres;
let s: LiveServer;

beforeAll(async () => {
  pg = await startPostgres();
  const database = await openDatabase({ url: pg.url, max: 5 });
  await migrate(database.db);
  s = await startServer({ database: { ...database, url: pg.url }, env: { REDIS_URL: '' } });
});
afterAll(async () => {
  await s?.close();
  await s?.database.close().catch(() => {});
  pg?.destroy();
});

describe('PostgreSQL stopped mid-run', () => {
  it('answers 503 SERVICE_UNAVAILABLE and fails /readyz, then recovers when it returns', async () => {
    const u = await registerUser(s);
    const create = () => s.request('/api/tasks', json({ title: 'during the outage' }, auth(u.accessToken)));
    expect((await create()).status).toBe(201);
    expect((await s.request('/readyz')).status).toBe(200);

    pg.stop('fast');

    for (const res of [
      await s.request('/api/tasks', { headers: auth(u.accessToken) }),
      await create(),
      await s.request('/api/auth/login', json({ email: u.email, password: u.password })),
    ]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBeTruthy();
      const problem = await problemOf(res);
      expect(problem.code).toBe('SERVICE_UNAVAILABLE');
      // No driver internals leak to the client.
      expect(JSON.stringify(problem)).not.toMatch(/ECONNREFUSED|postgres|127\.0\.0\.1/i);
    }
    const ready = await s.request('/readyz');
    expect(ready.status).toBe(503);
    expect((await problemOf(ready)).code).toBe('SERVICE_UNAVAILABLE');
    expect((await s.request('/healthz')).status).toBe(200); // the process itself is fine

    pg.start();

    const took = await waitFor(
      async () => (await s.request('/readyz')).status === 200,
      20_000,
      '/readyz after restart',
    );
    expect(took).toBeLessThan(20_000);
    expect((await create()).status).toBe(201);
    const list = await s.request('/api/tasks', { headers: auth(u.accessToken) });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { counts: { total: number } }).counts.total).toBe(2);
    expect((await s.request('/api/auth/login', json({ email: u.email, password: u.password }))).status).toBe(200);
  });

  it('also answers 503 (not 500, not a hang) when the server crashes outright', async () => {
    const u = await registerUser(s);
    pg.stop('immediate');
    const started = Date.now();
    const res = await s.request('/api/tasks', { headers: auth(u.accessToken) });
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(6_000);
    pg.start();
    await waitFor(
      async () => (await s.request('/api/tasks', { headers: auth(u.accessToken) })).status === 200,
      20_000,
      'tasks after crash',
    );
  });
});
