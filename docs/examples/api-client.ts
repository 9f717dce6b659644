// A typed client generated from /openapi.json (shown in the README; `npm run check`
// type-checks it against the types generated from the current spec).
import createClient from 'openapi-fetch';
import type { paths } from './tasktalk-api.js';

const api = createClient<paths>({ baseUrl: process.env.TASKTALK_URL ?? 'http://localhost:3000' });

const login = await api.POST('/api/auth/login', {
  body: { email: 'ada@example.com', password: 'Analytical-Engine-1843' },
});
if (login.error) throw new Error(`${login.error.code}: ${login.error.detail}`); // RFC 9457 problem details
let session = login.data;
if ('mfa_required' in session) {
  // Two-factor authentication is on: a code from the authenticator app completes the sign-in.
  const verified = await api.POST('/api/auth/mfa/verify', {
    body: { mfa_token: session.mfa_token, code: process.env.TASKTALK_TOTP_CODE ?? '' },
  });
  if (verified.error) throw new Error(`${verified.error.code}: ${verified.error.detail}`);
  session = verified.data;
}
const headers = { authorization: `Bearer ${session.access_token}` };

const created = await api.POST('/api/tasks', { headers, body: { title: 'Try the typed client', priority: 'high' } });
if (created.error) throw new Error(created.error.detail);

const page = await api.GET('/api/tasks', { headers, params: { query: { status: 'pending', sort: 'priority' } } });
if (page.error) throw new Error(page.error.detail);
for (const task of page.data.items) console.log(`${task.priority.padEnd(6)} ${task.title}`);
