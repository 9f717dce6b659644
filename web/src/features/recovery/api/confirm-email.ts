import type { EmailResult } from '@contracts/auth';
import type { ApiClient } from '../../../lib/api-client.js';

/** POST /api/auth/email/confirm: an email-change link; this browser's session (if any) stays signed in. */
export function confirmEmail(client: ApiClient, token: string) {
  return client.request<EmailResult>('/api/auth/email/confirm', { method: 'POST', body: { token } });
}
