import type { StepUpRequest } from '@contracts/mfa';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

/** DELETE /api/auth/account: removes every row of the user; a step-up (password, and a code when two-factor is on). */
export function useDeleteAccount() {
  const client = useApi();
  return useMutation({
    mutationFn: (body: StepUpRequest) =>
      client.request<{ message: string }>('/api/auth/account', { method: 'DELETE', body }),
  });
}
