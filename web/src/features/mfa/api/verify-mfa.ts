import type { AuthResponse } from '@contracts/auth';
import type { MfaVerifyRequest } from '@contracts/mfa';
import type { ApiClient } from '../../../lib/api-client.js';

/** POST /api/auth/mfa/verify: the second step of a password sign-in; sets the session like login. */
export function verifyMfa(client: ApiClient, body: MfaVerifyRequest): Promise<AuthResponse> {
  return client.signIn<AuthResponse>('/api/auth/mfa/verify', body);
}
