import type { TotpSetupResponse } from '@contracts/mfa';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

/** POST /api/auth/mfa/totp/setup `{password}`: a new pending secret and its otpauth:// URL. */
export function useSetupTotp() {
  const client = useApi();
  return useMutation({
    mutationFn: (password: string) =>
      client.request<TotpSetupResponse>('/api/auth/mfa/totp/setup', { method: 'POST', body: { password } }),
  });
}
