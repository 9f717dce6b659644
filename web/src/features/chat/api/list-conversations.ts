import type { Conversation } from '@contracts/chat';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

export const CONVERSATIONS_KEY = ['conversations'] as const;

export function useConversations() {
  const client = useApi();
  return useQuery({
    queryKey: CONVERSATIONS_KEY,
    queryFn: ({ signal }) => client.request<{ items: Conversation[] }>('/api/conversations', { signal }),
    select: (data) => data.items,
  });
}
