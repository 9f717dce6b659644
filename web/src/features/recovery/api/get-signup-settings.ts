import type { SignupSettings } from '@contracts/auth';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

/** GET /api/auth/signup: open, by invitation, or closed (the register page says so before the form). */
export function useSignupSettings() {
  const client = useApi();
  return useQuery({
    queryKey: ['signup-settings'],
    queryFn: () => client.request<SignupSettings>('/api/auth/signup'),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
