import type { MfaStatus } from '@contracts/mfa';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

export const MFA_KEY = ['mfa'] as const;

/** GET /api/auth/mfa: authenticator app on or off, recovery codes left, passkeys. */
export function useMfaStatus() {
  const client = useApi();
  return useQuery({
    queryKey: MFA_KEY,
    queryFn: ({ signal }) => client.request<MfaStatus>('/api/auth/mfa', { signal }),
  });
}
