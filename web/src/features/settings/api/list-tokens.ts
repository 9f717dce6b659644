import type { PersonalToken } from '@contracts/auth';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

export const TOKENS_KEY = ['personal-tokens'] as const;

export function usePersonalTokens() {
  const client = useApi();
  return useQuery({
    queryKey: TOKENS_KEY,
    queryFn: ({ signal }) => client.request<{ tokens: PersonalToken[] }>('/api/auth/tokens', { signal }),
    select: (data) => data.tokens,
  });
}
