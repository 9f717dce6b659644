import type { Profile, UpdateProfileRequest } from '@contracts/auth';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

/** PUT /api/auth/profile: the name, the time zone, or both. */
export function useUpdateProfile() {
  const client = useApi();
  return useMutation({
    mutationFn: (body: UpdateProfileRequest) => client.request<Profile>('/api/auth/profile', { method: 'PUT', body }),
  });
}

/** The user object inside a profile response. */
export function userOf(profile: Profile) {
  const { id, email, name, created_at, email_verified, mfa_enabled, time_zone } = profile;
  return { id, email, name, created_at, email_verified, mfa_enabled, time_zone };
}
