import type { AuthorizationRequest } from '@contracts/oauth';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

/** A pending OAuth authorization request, for the consent page (GET /api/oauth/requests/:id). */
export function useAuthorizationRequest(id: string | null) {
  const client = useApi();
  return useQuery({
    queryKey: ['oauth-request', id],
    enabled: id !== null,
    retry: false,
    queryFn: ({ signal }) =>
      client.request<AuthorizationRequest>(`/api/oauth/requests/${encodeURIComponent(id ?? '')}`, { signal }),
  });
}
