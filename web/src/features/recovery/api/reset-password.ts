import type { ResetPasswordRequest, ResetPasswordResponse } from '@contracts/auth';
import type { ApiClient } from '../../../lib/api-client.js';

/** POST /api/auth/password/reset: the new password; every session ends, the answer names the address. */
export function resetPassword(client: ApiClient, body: ResetPasswordRequest) {
  return client.request<ResetPasswordResponse>('/api/auth/password/reset', { method: 'POST', body });
}
