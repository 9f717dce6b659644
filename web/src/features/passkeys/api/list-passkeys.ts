import type { Passkey } from '@contracts/passkeys';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

export const PASSKEYS_KEY = ['passkeys'] as const;

export function usePasskeys() {
  const client = useApi();
  return useQuery({
    queryKey: PASSKEYS_KEY,
    queryFn: ({ signal }) => client.request<{ passkeys: Passkey[] }>('/api/auth/passkeys', { signal }),
    select: (data) => data.passkeys,
  });
}
