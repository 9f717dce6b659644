import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApiClient } from './api-client.js';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const problem = (status: number, code: string, detail = code) =>
  json(status, { type: 'about:blank', title: 't', status, detail, code });

/** A fake API: /refresh hands out token N, other paths accept only the current token. */
function fakeServer(options: { refresh?: () => Response | Promise<Response> } = {}) {
  let generation = 0;
  const calls: { url: string; auth: string | null }[] = [];
  let releaseRefresh: () => void = () => {};
  const refreshGate = new Promise<void>((resolve) => {
    releaseRefresh = resolve;
  });
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const auth = new Headers(init?.headers).get('authorization');
    calls.push({ url, auth });
    if (url === '/api/auth/refresh') {
      await refreshGate;
      if (options.refresh) return options.refresh();
      generation++;
      return json(200, { access_token: `t${generation}`, token_type: 'bearer', expires_in: 900 });
    }
    if (auth !== `Bearer t${generation}`) return problem(401, 'TOKEN_EXPIRED');
    return json(200, { url, token: auth });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls, releaseRefresh };
}

const noTimers = { setTimer: () => 0, clearTimer: () => {} };

describe('api client: single-flight refresh and one retry', () => {
  it('shares one refresh among concurrent 401s, then retries each request once with the new token', async () => {
    const server = fakeServer();
    const client = createApiClient({ fetch: server.fetch, ...noTimers });
    const pending = Promise.all([client.request('/api/a'), client.request('/api/b'), client.request('/api/c')]);
    // Let all three meet their 401 while the refresh is still out.
    await vi.waitFor(() => expect(server.calls.filter((c) => c.url === '/api/auth/refresh')).toHaveLength(1));
    server.releaseRefresh();
    const results = await pending;

    expect(results).toEqual([
      { url: '/api/a', token: 'Bearer t1' },
      { url: '/api/b', token: 'Bearer t1' },
      { url: '/api/c', token: 'Bearer t1' },
    ]);
    expect(server.calls.filter((c) => c.url === '/api/auth/refresh')).toHaveLength(1);
    for (const path of ['/api/a', '/api/b', '/api/c']) {
      expect(server.calls.filter((c) => c.url === path).map((c) => c.auth)).toEqual([null, 'Bearer t1']);
    }
  });

  it('retries exactly once: a second 401 is the caller’s error, not another refresh loop', async () => {
    let n = 0;
    const fetch = vi.fn(async (input: RequestInfo | URL) => {
      if (String(input) === '/api/auth/refresh') {
        n++;
        return json(200, { access_token: `t${n}`, token_type: 'bearer', expires_in: 900 });
      }
      return problem(401, 'INVALID_TOKEN', 'Invalid token');
    });
    const client = createApiClient({ fetch: fetch as unknown as typeof globalThis.fetch, ...noTimers });
    const error = await client.request('/api/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('INVALID_TOKEN');
    expect(fetch.mock.calls.map(([url]) => String(url))).toEqual(['/api/x', '/api/auth/refresh', '/api/x']);
  });

  it.each(['MFA_REQUIRED', 'INVALID_MFA_CODE'])(
    'a 401 %s of a step-up is the caller’s answer: no refresh, no second try spending the failure budget again',
    async (code) => {
      const fetch = vi.fn(async (input: RequestInfo | URL) =>
        String(input) === '/api/auth/refresh'
          ? json(200, { access_token: 't1', token_type: 'bearer', expires_in: 900 })
          : problem(401, code),
      );
      const client = createApiClient({ fetch: fetch as unknown as typeof globalThis.fetch, ...noTimers });
      const error = await client.request('/api/auth/tokens', { method: 'POST', body: {} }).catch((e: unknown) => e);
      expect((error as ApiError).code).toBe(code);
      expect(fetch.mock.calls.map(([url]) => String(url))).toEqual(['/api/auth/tokens']);
    },
  );

  it('reports a session ended elsewhere when the refresh answers TOKEN_REVOKED', async () => {
    const server = fakeServer({ refresh: () => problem(401, 'TOKEN_REVOKED', 'Token has been revoked') });
    server.releaseRefresh();
    const client = createApiClient({ fetch: server.fetch, ...noTimers });
    const ended = vi.fn();
    client.onSessionEnded(ended);
    await expect(client.request('/api/a')).rejects.toMatchObject({ status: 401 });
    expect(ended).toHaveBeenCalledExactlyOnceWith('revoked');
    expect(client.hasToken()).toBe(false);
  });

  it('a signed-out visitor (no cookie) is not told their session ended', async () => {
    const server = fakeServer({ refresh: () => problem(401, 'NOT_AUTHENTICATED') });
    server.releaseRefresh();
    const client = createApiClient({ fetch: server.fetch, ...noTimers });
    const ended = vi.fn();
    client.onSessionEnded(ended);
    expect(await client.refresh()).toBeNull();
    expect(ended).not.toHaveBeenCalled();
  });

  it('a page not at PUBLIC_URL is told why, even on first load (403 INVALID_ORIGIN, issue 12)', async () => {
    const detail = 'This address (http://mybox.lan:3000) is not the configured PUBLIC_URL (http://localhost:3000).';
    const server = fakeServer({ refresh: () => problem(403, 'INVALID_ORIGIN', detail) });
    server.releaseRefresh();
    const client = createApiClient({ fetch: server.fetch, ...noTimers });
    const ended = vi.fn();
    client.onSessionEnded(ended);
    expect(await client.refresh()).toBeNull();
    expect(ended).toHaveBeenCalledExactlyOnceWith('wrong-origin', detail);
  });

  it('schedules the next refresh a minute before the access token expires', async () => {
    const server = fakeServer();
    server.releaseRefresh();
    const timers: { fn: () => void; ms: number }[] = [];
    const client = createApiClient({
      fetch: server.fetch,
      setTimer: (fn, ms) => timers.push({ fn, ms }),
      clearTimer: () => {},
    });
    expect(await client.refresh()).toBe('t1');
    expect(timers.at(-1)?.ms).toBe(900_000 - 60_000);
    timers.at(-1)?.fn();
    await vi.waitFor(() => expect(server.calls.filter((c) => c.url === '/api/auth/refresh')).toHaveLength(2));
    await expect(client.request('/api/a')).resolves.toEqual({ url: '/api/a', token: 'Bearer t2' });
  });
});
