import type { ChatMessage, Conversation } from '@contracts/chat';
import { useQuery } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api-client.js';
import { useApi } from '../../../lib/auth-context.js';
import { CONVERSATIONS_KEY } from './list-conversations.js';

export type ConversationDetail = Conversation & { messages: ChatMessage[] };

export const conversationKey = (id: string | null) => [...CONVERSATIONS_KEY, id] as const;

export function fetchConversation(client: ApiClient, id: string, signal?: AbortSignal) {
  return client.request<ConversationDetail>(`/api/conversations/${encodeURIComponent(id)}`, {
    ...(signal ? { signal } : {}),
  });
}

export function useConversation(id: string | null) {
  const client = useApi();
  return useQuery({
    queryKey: conversationKey(id),
    queryFn: ({ signal }) => fetchConversation(client, id ?? '', signal),
    enabled: id !== null,
  });
}
