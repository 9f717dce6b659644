import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

/** POST /api/auth/email/verify/resend: a new verification link, replacing the last one. */
export function useResendVerification() {
  const client = useApi();
  return useMutation({
    mutationFn: () => client.request<{ message: string }>('/api/auth/email/verify/resend', { method: 'POST' }),
  });
}
