import type { Session } from '@contracts/auth';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

export const SESSIONS_KEY = ['sessions'] as const;

export function useSessions() {
  const client = useApi();
  return useQuery({
    queryKey: SESSIONS_KEY,
    queryFn: ({ signal }) => client.request<{ sessions: Session[] }>('/api/auth/sessions', { signal }),
    select: (data) => data.sessions,
  });
}
