import type { ChangeEmailRequest } from '@contracts/auth';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

/** POST /api/auth/email: a confirmation link goes to the new address; nothing changes until it is opened. */
export function useChangeEmail() {
  const client = useApi();
  return useMutation({
    mutationFn: (body: ChangeEmailRequest) =>
      client.request<{ message: string }>('/api/auth/email', { method: 'POST', body }),
  });
}
