import type { AuthResponse, User } from '@contracts/auth';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiClient, SignOutReason } from './api-client.js';

/** Why the login page is shown, when it is not the user's own choice. */
export type AuthNotice = SignOutReason | 'other-tab' | 'account-deleted' | null;

type AuthState =
  | { status: 'loading'; user: null; notice: AuthNotice; detail?: string }
  | { status: 'signed-in'; user: User; notice: null; detail?: undefined }
  | { status: 'signed-out'; user: null; notice: AuthNotice; detail?: string };

interface AuthContextValue {
  state: AuthState;
  client: ApiClient;
  signedIn(result: AuthResponse): void;
  setUser(user: User): void;
  logout(): Promise<void>;
  /** The server already ended every session (logout-all, password change elsewhere, account deleted). */
  signedOut(notice?: AuthNotice): void;
}

const AuthContext = createContext<AuthContextValue | null>(null);
const CHANNEL = 'tasktalk-auth';
type Message = { type: 'logout' } | { type: 'login' };

export function AuthProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<AuthState>({ status: 'loading', user: null, notice: null });
  const channel = useRef<BroadcastChannel | null>(null);
  const broadcast = useCallback((message: Message) => channel.current?.postMessage(message), []);

  const signedOut = useCallback(
    (notice: AuthNotice = null, detail?: string) => {
      client.forget();
      // Nothing of the previous user may linger for the next one.
      queryClient.clear();
      setState({ status: 'signed-out', user: null, notice, ...(detail ? { detail } : {}) });
    },
    [client, queryClient],
  );

  // Silent sign-in from the refresh cookie (SPEC §4: on load).
  const resume = useCallback(async () => {
    const token = await client.refresh();
    if (!token) {
      setState((s) => (s.status === 'signed-in' ? s : { ...s, status: 'signed-out', user: null }));
      return;
    }
    try {
      const user = await client.request<User>('/api/auth/me');
      setState({ status: 'signed-in', user, notice: null });
    } catch {
      setState((s) => ({
        status: 'signed-out',
        user: null,
        notice: s.notice,
        ...(s.detail ? { detail: s.detail } : {}),
      }));
    }
  }, [client]);

  useEffect(() => {
    void resume();
  }, [resume]);

  useEffect(() => client.onSessionEnded((reason, detail) => signedOut(reason, detail)), [client, signedOut]);

  // SPEC §3.1: a user without a time zone gets this browser's on first sign-in, so
  // "tomorrow" means their tomorrow. Best effort: a refusal leaves it unset (UTC).
  const zoneSent = useRef<string | null>(null);
  useEffect(() => {
    if (state.status !== 'signed-in' || state.user.time_zone !== null || zoneSent.current === state.user.id) return;
    zoneSent.current = state.user.id;
    const time_zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    client
      .request<User>('/api/auth/profile', { method: 'PUT', body: { time_zone } })
      .then((profile) => {
        const { id, email, name, created_at, email_verified, mfa_enabled } = profile;
        setState((s) =>
          s.status === 'signed-in' && s.user.id === id
            ? { ...s, user: { id, email, name, created_at, email_verified, mfa_enabled, time_zone: profile.time_zone } }
            : s,
        );
      })
      .catch(() => undefined);
  }, [state, client]);

  // SPEC §4: logging out in one tab logs out every tab of this browser.
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const opened = new BroadcastChannel(CHANNEL);
    opened.onmessage = (event: MessageEvent<Message>) => {
      if (event.data.type === 'logout') signedOut('other-tab');
      // Another tab signed in: the shared cookie signs this one in too.
      if (event.data.type === 'login' && !client.hasToken()) void resume();
    };
    channel.current = opened;
    return () => {
      channel.current = null;
      opened.close();
    };
  }, [client, resume, signedOut]);

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
      client,
      signedIn(result) {
        queryClient.clear();
        setState({ status: 'signed-in', user: result.user, notice: null });
        broadcast({ type: 'login' });
      },
      setUser(user) {
        setState({ status: 'signed-in', user, notice: null });
      },
      async logout() {
        try {
          await client.logout();
        } finally {
          signedOut(null);
          broadcast({ type: 'logout' });
        }
      },
      signedOut(notice = null) {
        signedOut(notice);
        broadcast({ type: 'logout' });
      },
    }),
    [state, client, broadcast, queryClient, signedOut],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}

export function useApi(): ApiClient {
  return useAuth().client;
}
