import type { AuthResponse, RegisterRequest } from '@contracts/auth';
import type { ApiClient } from '../../../lib/api-client.js';

export function register(client: ApiClient, body: RegisterRequest): Promise<AuthResponse> {
  return client.signIn<AuthResponse>('/api/auth/register', body);
}
