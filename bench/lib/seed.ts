/** Creates benchmark users and tasks through the public API, as clients would. */

export const BENCH_PASSWORD = 'Bench-Mark-2024!';

async function post(base: string, path: string, body: unknown, token?: string) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export interface BenchUser {
  email: string;
  userId: string;
  accessToken: string;
}

export async function seedUsers(base: string, count: number, tasksEach: number, prefix: string): Promise<BenchUser[]> {
  const users: BenchUser[] = [];
  // Registration hashes a password: a few at a time, as the server caps hashing at the core count.
  for (let start = 0; start < count; start += 4) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(4, count - start) }, async (_, i) => {
        const email = `${prefix}-${start + i}@bench.test`;
        const body = await post(base, '/api/auth/register', { email, password: BENCH_PASSWORD, name: 'Bench' });
        const user = { email, userId: (body.user as { id: string }).id, accessToken: String(body.access_token) };
        for (let t = 0; t < tasksEach; t++) {
          await post(base, '/api/tasks', { title: `Task ${t + 1} of ${email}`, priority: 'medium' }, user.accessToken);
        }
        return user;
      }),
    );
    users.push(...batch);
  }
  return users;
}

/** Signs a user in `count` times: separate sessions, each with its own refresh token. */
export async function newSessions(base: string, email: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: email, password: BENCH_PASSWORD }).toString(),
    });
    const body = (await res.json()) as { refresh_token?: string };
    if (!body.refresh_token) throw new Error(`login for sessions failed: ${res.status}`);
    tokens.push(body.refresh_token);
  }
  return tokens;
}
