import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

/** GET /api/auth/export: the profile, tasks and conversations as one JSON document. */
export function useExportData() {
  const client = useApi();
  return useMutation({ mutationFn: () => client.request<unknown>('/api/auth/export') });
}
