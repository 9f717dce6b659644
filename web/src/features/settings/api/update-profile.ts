import type { Profile } from '@contracts/auth';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

export function useUpdateProfile() {
  const client = useApi();
  return useMutation({
    mutationFn: (name: string) => client.request<Profile>('/api/auth/profile', { method: 'PUT', body: { name } }),
  });
}
