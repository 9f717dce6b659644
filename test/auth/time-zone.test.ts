import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, login, type Registered, register, type TestApp } from '../helpers/app.js';

/** SPEC §3.1: the user's IANA time zone, set through PUT /api/auth/profile and part of every `user`. */

let t: TestApp;
let user: Registered;
beforeAll(async () => {
  t = await createTestApp();
  user = await register(t.app);
});
afterAll(() => t.close());

const put = (payload: unknown) =>
  t.app.inject({
    method: 'PUT',
    url: '/api/auth/profile',
    headers: bearer(user.accessToken),
    payload: payload as object,
  });
const me = async () => (await t.app.inject({ url: '/api/auth/me', headers: bearer(user.accessToken) })).json();

describe('time zone on the profile', () => {
  it('starts unset (null) and is stored as given', async () => {
    expect((await me()).time_zone).toBeNull();
    const res = await put({ time_zone: 'Pacific/Kiritimati' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ time_zone: 'Pacific/Kiritimati', name: 'Test User' });
    expect((await me()).time_zone).toBe('Pacific/Kiritimati');
    const again = await login(t.app, user.email);
    expect(again.json().user.time_zone).toBe('Pacific/Kiritimati');
  });

  it('stores the canonical spelling of an alias', async () => {
    const res = await put({ time_zone: 'US/Hawaii' });
    expect(res.statusCode).toBe(200);
    expect(res.json().time_zone).toBe('Pacific/Honolulu');
  });

  it.each(['Mars/Olympus_Mons', '+01:00', 'CET-ish', 'Europe/../etc', '', 'x'.repeat(80)])(
    'refuses %j with a clear 400 and changes nothing',
    async (zone) => {
      const before = (await me()).time_zone;
      const res = await put({ time_zone: zone });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_ERROR' });
      expect(res.json().errors[0]).toMatchObject({ path: 'time_zone' });
      expect(res.json().errors[0].message).toMatch(/time zone/i);
      expect((await me()).time_zone).toBe(before);
    },
  );

  it('still changes the name alone, and needs at least one field', async () => {
    const zone = (await me()).time_zone;
    const renamed = await put({ name: 'Renamed' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Renamed', time_zone: zone });
    expect((await put({})).statusCode).toBe(400);
    expect((await put({ time_zone: 'UTC', extra: 1 })).statusCode).toBe(400);
  });
});
