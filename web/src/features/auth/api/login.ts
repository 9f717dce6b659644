import type { AuthResponse, LoginRequest } from '@contracts/auth';
import type { ApiClient } from '../../../lib/api-client.js';

export function login(client: ApiClient, body: LoginRequest): Promise<AuthResponse> {
  return client.signIn<AuthResponse>('/api/auth/login', body);
}
