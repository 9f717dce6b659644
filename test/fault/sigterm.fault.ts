import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../../bench/lib/spawn-server.js';
import { PASSWORD } from '../helpers/app.js';
import { freePort, type PrivatePostgres, startPostgres } from './services.js';

/**
 * SIGTERM under write load (`npm start` on PostgreSQL): requests already in
 * flight complete, the process exits 0, and every register or task write either
 * happened completely or not at all.
 */

let pg: PrivatePostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(() => pg?.destroy());

interface Outcome {
  kind: 'task' | 'register';
  key: string;
  startedAt: number;
  endedAt: number;
  status: number | null;
  error: string | null;
}

describe('SIGTERM under load', () => {
  it('drains in-flight requests and leaves no half-written rows', async () => {
    const server = await spawnServer({
      port: await freePort(),
      env: { DATABASE_URL: pg.url, RATE_LIMIT_ENABLED: 'false', LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? 'warn' },
    });
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${server.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const reg = await post('/api/auth/register', { email: 'owner@drain.test', password: PASSWORD });
    const { access_token: token } = (await reg.json()) as { access_token: string };

    const outcomes: Outcome[] = [];
    let stopAt = Number.POSITIVE_INFINITY;
    let n = 0;
    const loop = async (worker: number) => {
      for (let refused = false; !refused; ) {
        n += 1;
        const kind = n % 8 === 0 ? 'register' : 'task';
        const key = `drain-${worker}-${n}`;
        const startedAt = performance.now();
        const outcome: Outcome = { kind, key, startedAt, endedAt: 0, status: null, error: null };
        try {
          const res =
            kind === 'register'
              ? await post('/api/auth/register', { email: `${key}@drain.test`, password: PASSWORD })
              : await post('/api/tasks', { title: key }, token);
          await res.arrayBuffer();
          outcome.status = res.status;
        } catch (error) {
          const cause = (error as { cause?: { code?: string } }).cause;
          outcome.error = cause?.code ?? String(error);
          refused = performance.now() > stopAt;
        }
        outcome.endedAt = performance.now();
        outcomes.push(outcome);
        if (performance.now() > stopAt + 5_000) break;
      }
    };
    const loops = Promise.all(Array.from({ length: 16 }, (_, i) => loop(i)));
    await new Promise((r) => setTimeout(r, 1_500));
    stopAt = performance.now();
    const code = await server.stop('SIGTERM');
    await loops;
    if (code !== 0)
      console.log(
        server
          .output()
          .split('\n')
          .filter((l) => l.length > 0)
          .slice(-40)
          .join('\n'),
      );
    expect(code).toBe(0);

    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    try {
      const tasks = new Set(
        (await sql<{ title: string }[]>`select title from tasks where title like 'drain-%'`).map((r) => r.title),
      );
      const users = await sql<{ email: string; sessions: number; events: number }[]>`
        select u.email,
          (select count(*)::int from sessions s where s.user_id = u.id) as sessions,
          (select count(*)::int from auth_events e where e.user_id = u.id and e.type = 'register') as events
        from users u where u.email like 'drain-%'`;
      const registered = new Set(users.map((u) => u.email.replace('@drain.test', '')));
      const stored = (o: Outcome) => (o.kind === 'task' ? tasks.has(o.key) : registered.has(o.key));

      const acked = outcomes.filter((o) => o.status === 201);
      const inFlight = acked.filter((o) => o.startedAt < stopAt && o.endedAt > stopAt);
      console.log(
        `SIGTERM drain: ${outcomes.length} requests, ${acked.length} acknowledged, ${inFlight.length} completed after the signal, ` +
          `${outcomes.filter((o) => o.error).length} refused after close, exit ${code}`,
      );
      expect(acked.length).toBeGreaterThan(20);
      expect(inFlight.length).toBeGreaterThan(0);
      // Acknowledged → stored; answered with anything else → not stored.
      for (const o of acked) expect(stored(o), o.key).toBe(true);
      for (const o of outcomes.filter((x) => x.status !== null && x.status !== 201))
        expect(stored(o), o.key).toBe(false);
      // No half-written registration: every new user has its session and its audit event.
      for (const u of users) expect([u.email, u.sessions, u.events]).toEqual([u.email, 1, 1]);
      // Nothing was cut mid-response: failures happen only once the server stopped listening.
      for (const o of outcomes.filter((x) => x.error)) expect(o.startedAt).toBeGreaterThan(stopAt);
    } finally {
      await sql.end();
    }
  });
});
