import type { ForgotPasswordRequest } from '@contracts/auth';
import type { ApiClient } from '../../../lib/api-client.js';

/** POST /api/auth/password/forgot: always 202 with the same message, account or not. */
export function forgotPassword(client: ApiClient, body: ForgotPasswordRequest) {
  return client.request<{ message: string }>('/api/auth/password/forgot', { method: 'POST', body });
}
