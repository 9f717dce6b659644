import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/db/client.js';
import { conversations, messages, refreshTokens, sessions, tasks } from '../../src/db/schema.js';
import { bearer, createTestApp, ORIGIN, PASSWORD, type Registered, register, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** Gives a user two tasks and a conversation with two messages, written as the features write them. */
async function seed(userId: string, label: string) {
  const db = t.database.db;
  const rows = await db
    .insert(tasks)
    .values([
      { ownerId: userId, title: `${label} task 1`, description: `about ${label}` },
      { ownerId: userId, title: `${label} task 2`, completed: true, priority: 'high', dueDate: '2030-01-02' },
    ])
    .returning();
  const [conversation] = await db
    .insert(conversations)
    .values({ userId, title: `${label} chat` })
    .returning();
  const conversationId = conversation?.id as string;
  await db.insert(messages).values([
    { conversationId, userId, role: 'user', content: `add ${label} task`, createdAt: new Date(Date.now() - 1000) },
    {
      conversationId,
      userId,
      role: 'assistant',
      content: 'Done',
      toolCalls: [{ tool_name: 'add_task', arguments: { title: label }, result: { status: 'created' } }],
    },
  ]);
  return { taskIds: rows.map((r) => r.id).sort(), conversationId };
}

/** Every row anywhere that references the user, by any user_id/owner_id column. */
async function rowsOfUser(userId: string) {
  const columns = rowsOf<{ table_name: string; column_name: string }>(
    await t.database.db.execute(sql`select table_name, column_name from information_schema.columns
      where table_schema = current_schema() and column_name in ('user_id', 'owner_id')`),
  );
  expect(columns.length).toBeGreaterThanOrEqual(6);
  const counts: Record<string, number> = {};
  for (const { table_name, column_name } of columns) {
    const [row] = rowsOf<{ n: number }>(
      await t.database.db.execute(
        sql`select count(*)::int as n from ${sql.identifier(table_name)} where ${sql.identifier(column_name)} = ${userId}`,
      ),
    );
    counts[table_name] = row?.n ?? 0;
  }
  const [user] = rowsOf<{ n: number }>(
    await t.database.db.execute(sql`select count(*)::int as n from users where id = ${userId}`),
  );
  counts.users = user?.n ?? 0;
  return counts;
}

describe('GET /api/auth/export', () => {
  let a: Registered;
  let b: Registered;
  let aData: Awaited<ReturnType<typeof seed>>;
  let bData: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    a = await register(t.app);
    b = await register(t.app);
    aData = await seed(a.userId, 'alpha');
    bData = await seed(b.userId, 'bravo');
  });

  it("downloads exactly the caller's profile, tasks and conversations as a JSON attachment", async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/export', headers: bearer(a.accessToken) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="tasktalk-export-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body.profile).toMatchObject({
      id: a.userId,
      email: a.email,
      name: 'Test User',
      time_zone: null,
      is_active: true,
    });
    expect(body.profile).not.toHaveProperty('password_hash');
    expect(body.tasks.map((x: { id: string }) => x.id).sort()).toEqual(aData.taskIds);
    expect(body.tasks).toContainEqual(
      expect.objectContaining({ title: 'alpha task 2', completed: true, priority: 'high', due_date: '2030-01-02' }),
    );
    expect(body.conversations).toHaveLength(1);
    expect(body.conversations[0]).toMatchObject({ id: aData.conversationId, title: 'alpha chat' });
    expect(body.conversations[0].messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(body.conversations[0].messages[1].tool_calls[0].tool_name).toBe('add_task');
    // Nothing of the other user, anywhere in the document; no secrets either.
    for (const foreign of [b.userId, b.email, bData.conversationId, ...bData.taskIds, 'bravo']) {
      expect(res.body).not.toContain(foreign);
    }
    expect(res.body).not.toMatch(/\$argon2|refresh_token|token_hash/);
  });

  it('needs a signed-in user: no token is 401, a personal access token is 403', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/auth/export' });
    expect(anonymous.statusCode).toBe(401);
    const pat = await t.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: bearer(a.accessToken),
      payload: { name: 'mcp', scopes: ['tasks:read'], password: PASSWORD },
    });
    expect(pat.statusCode).toBe(201);
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/export', headers: bearer(pat.json().token) });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('INSUFFICIENT_SCOPE');
  });
});

describe('DELETE /api/auth/account', () => {
  it('refuses a wrong password with a field error and deletes nothing', async () => {
    const a = await register(t.app);
    await seed(a.userId, 'kept');
    const res = await t.app.inject({
      method: 'DELETE',
      url: '/api/auth/account',
      headers: bearer(a.accessToken),
      payload: { password: 'Not-The-Password-9' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_ERROR',
      errors: [{ path: 'password', message: 'Password is incorrect' }],
    });
    const counts = await rowsOfUser(a.userId);
    expect(counts).toMatchObject({ users: 1, tasks: 2, conversations: 1, messages: 2 });
    const missing = await t.app.inject({
      method: 'DELETE',
      url: '/api/auth/account',
      headers: bearer(a.accessToken),
      payload: {},
    });
    expect(missing.statusCode).toBe(400);
  });

  it('removes every row of the user, revokes their sessions and clears the cookie; others keep theirs', async () => {
    const a = await register(t.app);
    const other = await register(t.app);
    await seed(a.userId, 'doomed');
    const kept = await seed(other.userId, 'survivor');
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: bearer(a.accessToken),
      payload: { name: 'cli', scopes: ['tasks:read'], password: PASSWORD },
    });
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: a.email, password: a.password },
    });
    const secondAccess = second.json().access_token as string;
    const sessionIds = (await t.database.db.select().from(sessions).where(eq(sessions.userId, a.userId))).map(
      (s) => s.id,
    );
    expect(sessionIds).toHaveLength(2);
    const before = await rowsOfUser(a.userId);
    expect(before).toMatchObject({
      users: 1,
      tasks: 2,
      conversations: 1,
      messages: 2,
      sessions: 2,
      personal_access_tokens: 1,
    });
    expect(before.auth_events).toBeGreaterThan(0);

    const res = await t.app.inject({
      method: 'DELETE',
      url: '/api/auth/account',
      headers: bearer(a.accessToken),
      payload: { password: a.password },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ message: 'Account deleted' });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^refresh_token=;/);
    expect(cookie).toContain('Path=/api/auth');
    expect(cookie).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);

    const after = await rowsOfUser(a.userId);
    for (const [table, n] of Object.entries(after)) expect(n, table).toBe(0);
    expect(
      await t.database.db.select().from(refreshTokens).where(inArray(refreshTokens.sessionId, sessionIds)),
    ).toEqual([]);

    // Both devices' access tokens are denied at once; the refresh token is dead.
    for (const token of [a.accessToken, secondAccess]) {
      const me = await t.app.inject({ method: 'GET', url: '/api/auth/export', headers: bearer(token) });
      expect(me.statusCode).toBe(401);
      expect(me.json().code).toBe('TOKEN_REVOKED');
    }
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: { origin: ORIGIN },
      cookies: { refresh_token: a.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    const relogin = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: a.email, password: a.password },
    });
    expect(relogin.statusCode).toBe(401);

    const survivor = await t.app.inject({ method: 'GET', url: '/api/auth/export', headers: bearer(other.accessToken) });
    expect(survivor.statusCode).toBe(200);
    expect(
      survivor
        .json()
        .tasks.map((x: { id: string }) => x.id)
        .sort(),
    ).toEqual(kept.taskIds);
  });
});
