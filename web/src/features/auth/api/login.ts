import type { AuthResponse, LoginRequest } from '@contracts/auth';
import type { MfaRequiredResponse } from '@contracts/mfa';
import type { ApiClient } from '../../../lib/api-client.js';

/** POST /api/auth/login: a session, or for a two-factor account `{mfa_required, mfa_token, methods}` (no session yet). */
export function login(client: ApiClient, body: LoginRequest): Promise<AuthResponse | MfaRequiredResponse> {
  return client.signIn<AuthResponse | MfaRequiredResponse>('/api/auth/login', body);
}
