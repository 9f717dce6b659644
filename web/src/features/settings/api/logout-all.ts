import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

export function useLogoutAll() {
  const client = useApi();
  return useMutation({
    mutationFn: () =>
      client.request<{ message: string; sessions_revoked: number }>('/api/auth/logout-all', { method: 'POST' }),
  });
}
