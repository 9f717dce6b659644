import type { StepUpRequest } from '@contracts/mfa';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';
import { MFA_KEY } from './mfa-status.js';

/** DELETE /api/auth/mfa/totp (a step-up): the app and the recovery codes are gone. */
export function useDisableTotp() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: StepUpRequest) => client.request<void>('/api/auth/mfa/totp', { method: 'DELETE', body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: MFA_KEY }),
  });
}
