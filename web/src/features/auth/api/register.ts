import type { AuthResponse, PendingRegistration, RegisterRequest } from '@contracts/auth';
import type { ApiClient } from '../../../lib/api-client.js';

/** 201: signed in. 202 (REQUIRE_EMAIL_VERIFICATION): the account waits for its address to be confirmed. */
export type RegisterResult = AuthResponse | PendingRegistration;

export function register(client: ApiClient, body: RegisterRequest): Promise<RegisterResult> {
  return client.signIn<RegisterResult>('/api/auth/register', body);
}
