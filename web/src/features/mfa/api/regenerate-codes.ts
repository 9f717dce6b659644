import type { RecoveryCodesResponse, StepUpRequest } from '@contracts/mfa';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';
import { MFA_KEY } from './mfa-status.js';

/** POST /api/auth/mfa/recovery-codes (a step-up): new codes, the old ones dead. */
export function useRegenerateCodes() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: StepUpRequest) =>
      client.request<RecoveryCodesResponse>('/api/auth/mfa/recovery-codes', { method: 'POST', body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: MFA_KEY }),
  });
}
