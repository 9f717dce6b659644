import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';
import { PASSKEYS_KEY } from './list-passkeys.js';

export function useDeletePasskey() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      client.request<void>(`/api/auth/passkeys/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: PASSKEYS_KEY }),
  });
}
