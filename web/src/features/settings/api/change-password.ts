import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';
import { SESSIONS_KEY } from './list-sessions.js';
import { TOKENS_KEY } from './list-tokens.js';

export interface ChangePassword {
  current_password: string;
  new_password: string;
  revoke_tokens: boolean;
}

export function useChangePassword() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ChangePassword) =>
      client.request<{ message: string; sessions_revoked: number; tokens_revoked: number }>('/api/auth/password', {
        method: 'POST',
        body,
      }),
    // The server signs every other device out (and may revoke the tokens).
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: SESSIONS_KEY });
      await queryClient.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });
}
