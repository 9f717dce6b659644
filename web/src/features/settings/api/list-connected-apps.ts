import type { ConnectedApp } from '@contracts/oauth';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

export const CONNECTED_APPS_KEY = ['connected-apps'] as const;

export function useConnectedApps() {
  const client = useApi();
  return useQuery({
    queryKey: CONNECTED_APPS_KEY,
    queryFn: ({ signal }) => client.request<{ apps: ConnectedApp[] }>('/api/oauth/apps', { signal }),
    select: (data) => data.apps,
  });
}
