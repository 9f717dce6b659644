import type { EmailResult } from '@contracts/auth';
import type { ApiClient } from '../../../lib/api-client.js';

/** POST /api/auth/email/verify with the token of a verification link. */
export function verifyEmail(client: ApiClient, token: string) {
  return client.request<EmailResult>('/api/auth/email/verify', { method: 'POST', body: { token } });
}
