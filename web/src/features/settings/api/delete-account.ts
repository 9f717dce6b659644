import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

/** DELETE /api/auth/account: removes every row of the user; needs the current password. */
export function useDeleteAccount() {
  const client = useApi();
  return useMutation({
    mutationFn: (password: string) =>
      client.request<{ message: string }>('/api/auth/account', { method: 'DELETE', body: { password } }),
  });
}
