import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN } from '../helpers/app.js';
import { auth, json, type LiveServer, refreshCookieOf, registerUser, startServer } from '../security/http.js';

/** /metrics as Prometheus scrapes it, after real traffic of every kind it counts. */

let s: LiveServer;
beforeAll(async () => {
  s = await startServer({
    env: {
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_REGISTER: '100/1h',
      RATE_LIMIT_LOGIN: '100/15m',
      RATE_LIMIT_DEFAULT: '5/1m',
    },
  });
});
afterAll(() => s.close());

/** Sums every sample of `name` whose labels contain all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
    found = true;
  }
  return found ? total : Number.NaN;
}

describe('GET /metrics', () => {
  it('counts logins, refreshes, reuse, rate limiting, revocations and request latency', async () => {
    const before = await (await s.request('/metrics')).text();
    expect(sample(before, 'tasktalk_logins_total', { result: 'ok' })).toBeNaN();

    const u = await registerUser(s);
    expect((await s.request('/api/auth/login', json({ email: u.email, password: u.password }))).status).toBe(200);
    expect((await s.request('/api/auth/login', json({ email: u.email, password: 'Wrong-pass-1' }))).status).toBe(401);

    const refresh = (cookie: string) =>
      s.request('/api/auth/refresh', {
        method: 'POST',
        headers: { cookie: `refresh_token=${cookie}`, origin: ORIGIN },
      });
    const rotated = await refresh(u.refreshToken);
    expect(rotated.status).toBe(200);
    expect(refreshCookieOf(rotated)).toBeTruthy();
    s.clock.advance(11_000);
    expect((await refresh(u.refreshToken)).status).toBe(401); // reuse: the session is revoked

    const other = await registerUser(s);
    let limited = 0;
    for (let i = 0; i < 7; i++) {
      if ((await s.request('/api/auth/me', { headers: auth(other.accessToken) })).status === 429) limited += 1;
    }
    expect(limited).toBeGreaterThan(0);
    s.clock.advance(61_000);
    expect((await s.request('/api/auth/logout', { method: 'POST', headers: auth(other.accessToken) })).status).toBe(
      200,
    );

    const res = await s.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();

    expect(sample(text, 'tasktalk_logins_total', { result: 'ok' })).toBe(1);
    expect(sample(text, 'tasktalk_logins_total', { result: 'failed' })).toBe(1);
    expect(sample(text, 'tasktalk_refreshes_total', { result: 'ok' })).toBe(1);
    expect(sample(text, 'tasktalk_refreshes_total')).toBe(2);
    expect(sample(text, 'tasktalk_refresh_reuse_detected_total')).toBe(1);
    expect(sample(text, 'tasktalk_rate_limited_total', { limit: 'default' })).toBe(limited);
    expect(sample(text, 'tasktalk_session_revocations_total')).toBe(2);

    // Latency histogram by route template (never the raw URL: bounded label cardinality).
    expect(text).toContain('# TYPE tasktalk_http_request_duration_seconds histogram');
    const meCount = sample(text, 'tasktalk_http_request_duration_seconds_count', {
      route: '/api/auth/me',
      status: '200',
    });
    expect(meCount).toBe(7 - limited);
    expect(
      sample(text, 'tasktalk_http_request_duration_seconds_bucket', {
        route: '/api/auth/me',
        status: '200',
        le: '+Inf',
      }),
    ).toBe(meCount);
    expect(text).toMatch(/tasktalk_http_request_duration_seconds_bucket\{[^}]*le="0.005"/);
    // Process metrics for capacity planning.
    expect(text).toContain('process_resident_memory_bytes');
    // Nothing secret ends up in labels.
    expect(text).not.toContain(u.email);
    expect(text).not.toContain(u.accessToken.slice(0, 20));
  });
});
