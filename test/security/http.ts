import type { AddressInfo } from 'node:net';
import { createTestApp, PASSWORD, type TestApp, type TestAppOptions, uniqueEmail } from '../helpers/app.js';

/**
 * A real server on 127.0.0.1 and an ephemeral port: the suites in this folder
 * speak HTTP over a socket, as an attacker would, instead of app.inject.
 */
export interface LiveServer extends TestApp {
  base: string;
  request(path: string, init?: RequestInit): Promise<Response>;
}

export async function startServer(options: TestAppOptions = {}): Promise<LiveServer> {
  const t = await createTestApp(options);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return { ...t, base, request: (path, init) => fetch(`${base}${path}`, { redirect: 'manual', ...init }) };
}

export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export function refreshCookieOf(res: Response): string | undefined {
  for (const c of res.headers.getSetCookie()) {
    const match = /^refresh_token=([^;]*)/.exec(c);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

export interface LiveUser {
  email: string;
  password: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
}

export async function registerUser(server: LiveServer, email = uniqueEmail(), password = PASSWORD): Promise<LiveUser> {
  const res = await server.request('/api/auth/register', json({ email, password, name: 'Live User' }));
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { access_token: string; user: { id: string } };
  return {
    email,
    password,
    userId: body.user.id,
    accessToken: body.access_token,
    refreshToken: refreshCookieOf(res) as string,
  };
}

export async function loginUser(server: LiveServer, email: string, password = PASSWORD) {
  const res = await server.request('/api/auth/login', json({ email, password }));
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { access_token: string };
  return { accessToken: body.access_token, refreshToken: refreshCookieOf(res) as string };
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });

export interface Problem {
  status: number;
  code: string;
  detail: string;
  type: string;
  title: string;
}

/** Asserts the response is problem+json and returns it. */
export async function problemOf(res: Response): Promise<Problem> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${res.status} ${type}: ${await res.text()}`);
  }
  return (await res.json()) as Problem;
}
