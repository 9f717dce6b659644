import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

/** Approve or deny (POST /api/oauth/requests/:id/decision); the answer says where the browser goes next. */
export function useDecideAuthorization(id: string) {
  const client = useApi();
  return useMutation({
    mutationFn: (approve: boolean) =>
      client.request<{ redirect_to: string }>(`/api/oauth/requests/${encodeURIComponent(id)}/decision`, {
        method: 'POST',
        body: { approve },
      }),
  });
}
