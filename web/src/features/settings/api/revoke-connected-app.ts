import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';
import { CONNECTED_APPS_KEY } from './list-connected-apps.js';

export function useRevokeConnectedApp() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => client.request<void>(`/api/oauth/apps/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: CONNECTED_APPS_KEY }),
  });
}
