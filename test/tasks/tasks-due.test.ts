import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTasks } from '../chat/chat-helpers.js';
import { bearer, createTestApp, type Registered, register, type TestApp } from '../helpers/app.js';
import { tasksClient } from './tasks-helpers.js';

/**
 * GET /api/tasks?due=overdue|today|this_week counts days in the user's profile
 * time zone (SPEC §3.5), not the server's: at 2026-03-12T05:00Z it is still
 * Wednesday the 11th in Honolulu (UTC−10) and already Thursday in UTC.
 */

let t: TestApp;
let user: Registered;
beforeAll(async () => {
  t = await createTestApp({ env: { ACCESS_TOKEN_TTL: '7d' } });
  t.clock.set(Date.parse('2026-03-12T05:00:00Z'));
  user = await register(t.app);
  await seedTasks(
    t.database.db,
    user.userId,
    [
      { title: 'Tue', due_date: '2026-03-10' },
      { title: 'Wed', due_date: '2026-03-11' },
      { title: 'Thu', due_date: '2026-03-12' },
      { title: 'Done Tue', due_date: '2026-03-10', completed: true },
      { title: 'Last week', due_date: '2026-03-06' },
      { title: 'Next week', due_date: '2026-03-16' },
      { title: 'No date' },
    ],
    t.clock.now(),
  );
});
afterAll(() => t.close());

const titles = async (query: string) => {
  const res = await tasksClient(t.app, user.accessToken).list(`${query}&sort=due_date`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as { title: string }[]).map((x) => x.title);
};

describe('due filters in the user’s time zone', () => {
  it('uses UTC while the user has no zone', async () => {
    expect(await titles('due=today')).toEqual(['Thu']);
    expect(await titles('due=overdue')).toEqual(['Last week', 'Tue', 'Wed']);
  });

  it('uses the profile zone once set', async () => {
    const zone = await t.app.inject({
      method: 'PUT',
      url: '/api/auth/profile',
      headers: bearer(user.accessToken),
      payload: { time_zone: 'Pacific/Honolulu' },
    });
    expect(zone.statusCode).toBe(200);
    expect(await titles('due=today')).toEqual(['Wed']);
    // Overdue: open tasks only; the completed one due Tuesday is not overdue.
    expect(await titles('due=overdue')).toEqual(['Last week', 'Tue']);
    // Monday 9th to Sunday 15th, done or not.
    expect((await titles('due=this_week')).sort()).toEqual(['Done Tue', 'Thu', 'Tue', 'Wed']);
    expect(await titles('due=this_week&status=pending')).toEqual(['Tue', 'Wed', 'Thu']);
  });

  it('counts follow the due filter; an unknown value is a 400', async () => {
    const res = await tasksClient(t.app, user.accessToken).list('due=this_week');
    expect(res.json().counts).toEqual({ total: 4, pending: 3, completed: 1 });
    const bad = await tasksClient(t.app, user.accessToken).list('due=tomorrow');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ path: 'due' });
  });
});
