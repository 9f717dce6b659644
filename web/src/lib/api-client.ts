import type { AuthResponse } from '@contracts/auth';
import { ApiError, toApiError } from './api-error.js';

/**
 * Why the client stopped being signed in, for the message on the login page.
 * `wrong-origin`: the page is not at PUBLIC_URL, so the server refuses its
 * cookie (403 INVALID_ORIGIN; the server's detail says which address to use).
 */
export type SignOutReason = 'revoked' | 'expired' | 'wrong-origin';

export interface ApiClientOptions {
  fetch?: typeof fetch;
  /** Refresh this long before the access token expires (SPEC §4: a minute). */
  refreshAheadMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  /** The Accept header (default application/json), e.g. text/event-stream for a streamed reply. */
  accept?: string;
  /** Let the request outlive the page (a delete committed as the tab closes). */
  keepalive?: boolean;
}

type TokenBody = Pick<AuthResponse, 'access_token' | 'expires_in'>;

/**
 * The one way the web app talks to the API. The access token lives only in
 * this closure, never in storage (OWASP HTML5 Security Cheat Sheet: no tokens
 * in localStorage); the refresh token is an HttpOnly cookie the page cannot read.
 */
export function createApiClient(options: ApiClientOptions = {}) {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const refreshAheadMs = options.refreshAheadMs ?? 60_000;
  const setTimer = options.setTimer ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => globalThis.clearTimeout(h as number));

  let accessToken: string | null = null;
  let timer: unknown = null;
  let inFlight: Promise<string | null> | null = null;
  const listeners = new Set<(reason: SignOutReason, detail?: string) => void>();
  const sessionEnded = (reason: SignOutReason, detail?: string) => {
    for (const listener of listeners) detail === undefined ? listener(reason) : listener(reason, detail);
  };

  function clear() {
    accessToken = null;
    if (timer !== null) clearTimer(timer);
    timer = null;
  }

  function accept(body: TokenBody) {
    clear();
    accessToken = body.access_token;
    // Refresh ahead of expiry so requests rarely meet a 401 at all.
    const delay = Math.max(5_000, body.expires_in * 1000 - refreshAheadMs);
    timer = setTimer(() => void refresh(), delay);
  }

  async function refreshOnce(): Promise<string | null> {
    const hadSession = accessToken !== null;
    let response: Response;
    try {
      response = await doFetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin' });
    } catch {
      return null; // offline: keep the current token, if any, and try again later
    }
    if (response.ok) {
      accept((await response.json()) as TokenBody);
      return accessToken;
    }
    const error = await toApiError(response);
    clear();
    if (error.code === 'TOKEN_REVOKED') sessionEnded('revoked');
    // Even on first load: otherwise a sign-in at this address would look like it silently failed.
    else if (error.code === 'INVALID_ORIGIN') sessionEnded('wrong-origin', error.message);
    else if (hadSession && error.status === 401) sessionEnded('expired');
    return null;
  }

  /** One refresh at a time: concurrent callers share the same promise. */
  function refresh(): Promise<string | null> {
    inFlight ??= refreshOnce().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  function send(path: string, init: RequestOptions, token: string | null) {
    const headers: Record<string, string> = { accept: init.accept ?? 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(init.query ?? {})) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const url = params.size > 0 ? `${path}?${params}` : path;
    return doFetch(url, {
      method: init.method ?? 'GET',
      headers,
      credentials: 'same-origin',
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
      ...(init.keepalive ? { keepalive: true } : {}),
    });
  }

  /**
   * A 401 about the second factor of a step-up (SPEC §3: MFA_REQUIRED,
   * INVALID_MFA_CODE) says nothing about the access token: no refresh, and no
   * retry that would spend the failure budget a second time.
   */
  async function asksSecondFactor(response: Response): Promise<boolean> {
    try {
      const body = (await response.clone().json()) as { code?: unknown };
      return body.code === 'MFA_REQUIRED' || body.code === 'INVALID_MFA_CODE';
    } catch {
      return false;
    }
  }

  /** An authenticated call answering with a 2xx Response (a stream to read): on 401, one shared refresh, then exactly one retry. */
  async function open(path: string, init: RequestOptions = {}): Promise<Response> {
    const sent = accessToken;
    let response = await send(path, init, sent);
    if (response.status === 401 && !(await asksSecondFactor(response))) {
      // Another request may already have refreshed while this one was out.
      const fresh = accessToken && accessToken !== sent ? accessToken : await refresh();
      if (!fresh) throw await toApiError(response);
      response = await send(path, init, fresh);
    }
    if (!response.ok) throw await toApiError(response);
    return response;
  }

  /** An authenticated JSON call, with the same refresh-and-retry-once rule. */
  async function request<T>(path: string, init: RequestOptions = {}): Promise<T> {
    const response = await open(path, init);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /**
   * Calls that set the session (login, register): no bearer, no retry. An answer
   * without an access token (register while the address awaits verification) sets none.
   */
  async function signIn<T extends object>(path: string, body: unknown): Promise<T> {
    const response = await send(path, { method: 'POST', body }, null);
    if (!response.ok) throw await toApiError(response);
    const result = (await response.json()) as T;
    if ('access_token' in result) accept(result as unknown as TokenBody);
    return result;
  }

  async function logout() {
    try {
      await send('/api/auth/logout', { method: 'POST' }, accessToken);
    } finally {
      clear();
    }
  }

  return {
    request,
    open,
    refresh,
    signIn,
    logout,
    /** Forget the token without calling the server (another tab logged out). */
    forget: clear,
    hasToken: () => accessToken !== null,
    /** Called when a refresh fails while signed in: the session ended (elsewhere, or by age). */
    onSessionEnded(listener: (reason: SignOutReason, detail?: string) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
export { ApiError };
