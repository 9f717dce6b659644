import type { RecoveryCodesResponse } from '@contracts/mfa';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';
import { MFA_KEY } from './mfa-status.js';

/** POST /api/auth/mfa/totp/enable `{code}`: turns the app on; answers the 10 recovery codes, once. */
export function useEnableTotp() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (code: string) =>
      client.request<RecoveryCodesResponse>('/api/auth/mfa/totp/enable', { method: 'POST', body: { code } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: MFA_KEY }),
  });
}
