import type { ChatMessage, Conversation } from '@contracts/chat';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';
import { CONVERSATIONS_KEY } from './list-conversations.js';

export type ConversationDetail = Conversation & { messages: ChatMessage[] };

export function useConversation(id: string | null) {
  const client = useApi();
  return useQuery({
    queryKey: [...CONVERSATIONS_KEY, id],
    queryFn: ({ signal }) =>
      client.request<ConversationDetail>(`/api/conversations/${encodeURIComponent(id ?? '')}`, { signal }),
    enabled: id !== null,
  });
}
