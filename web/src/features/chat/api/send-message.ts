import type { ChatRequest, ChatResponse } from '@contracts/chat';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';
import { CONVERSATIONS_KEY } from './list-conversations.js';

export function useSendMessage(onReply?: (reply: ChatResponse) => void) {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ChatRequest) => client.request<ChatResponse>('/api/chat', { method: 'POST', body }),
    onSuccess: async (reply) => {
      onReply?.(reply);
      await queryClient.invalidateQueries({ queryKey: CONVERSATIONS_KEY });
    },
  });
}
