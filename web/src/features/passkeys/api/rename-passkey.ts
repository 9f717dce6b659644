import type { Passkey } from '@contracts/passkeys';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';
import { PASSKEYS_KEY } from './list-passkeys.js';

export function useRenamePasskey() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) =>
      client.request<Passkey>(`/api/auth/passkeys/${encodeURIComponent(id)}`, { method: 'PATCH', body: { name } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: PASSKEYS_KEY }),
  });
}
