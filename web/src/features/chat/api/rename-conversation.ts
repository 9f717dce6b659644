import type { Conversation, RenameConversationRequest } from '@contracts/chat';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';
import { CONVERSATIONS_KEY } from './list-conversations.js';

export function useRenameConversation() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: RenameConversationRequest & { id: string }) =>
      client.request<Conversation>(`/api/conversations/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: CONVERSATIONS_KEY }),
  });
}
