import type { ChatRequest, ChatResponse, ToolCall } from '@contracts/chat';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { useApi } from '../../../lib/auth-context.js';
import { readEventStream } from './event-stream.js';
import { type ConversationDetail, conversationKey, fetchConversation } from './get-conversation.js';
import { CONVERSATIONS_KEY } from './list-conversations.js';

/**
 * POST /api/chat with `Accept: text/event-stream` (SPEC §3.5): the reply is shown
 * as it is written (`delta` events), the assistant's actions as they happen
 * (`tool`), then the stored conversation replaces the live copy. `stop()` closes
 * the stream; the server then ends the turn and stores what it had.
 */

export interface LiveReply {
  /** The user's message, shown until the stored conversation has it. */
  message: string;
  text: string;
  toolCalls: ToolCall[];
  /** A note while nothing streams, e.g. "trying again in 2 s". */
  status: string | null;
  phase: 'streaming' | 'stopped';
}

export interface SendResult {
  conversationId: string | null;
  outcome: 'done' | 'stopped';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function useSendMessage(handlers: { onReply?(reply: ChatResponse): void; onToolCall?(call: ToolCall): void }) {
  const client = useApi();
  const queryClient = useQueryClient();
  const [live, setLive] = useState<LiveReply | null>(null);
  const controller = useRef<AbortController | null>(null);
  const { onReply, onToolCall } = handlers;

  /** Reads the stored conversation until it holds this turn (a stopped turn is stored a moment later). */
  const settle = useCallback(
    async (id: string, before: number, attempts: number) => {
      for (let attempt = 0; attempt < attempts; attempt++) {
        const detail = await queryClient.fetchQuery({
          queryKey: conversationKey(id),
          queryFn: ({ signal }) => fetchConversation(client, id, signal),
          staleTime: 0,
        });
        if (detail.messages.length >= before + 2 && detail.messages.at(-1)?.role === 'assistant') return;
        await sleep(300);
      }
    },
    [client, queryClient],
  );

  const send = useCallback(
    async (body: ChatRequest): Promise<SendResult> => {
      const abort = new AbortController();
      controller.current = abort;
      const before = body.conversation_id
        ? (queryClient.getQueryData<ConversationDetail>(conversationKey(body.conversation_id))?.messages.length ?? 0)
        : 0;
      setLive({ message: body.message, text: '', toolCalls: [], status: null, phase: 'streaming' });
      let conversationId = body.conversation_id ?? null;
      let failure: string | null = null;
      let outcome: SendResult['outcome'] = 'done';
      try {
        const response = await client.open('/api/chat', {
          method: 'POST',
          body,
          accept: 'text/event-stream',
          signal: abort.signal,
        });
        await readEventStream(response, ({ event, data }) => {
          const payload = JSON.parse(data);
          if (event === 'start') conversationId = payload.conversation_id;
          else if (event === 'delta') setLive((l) => l && { ...l, text: l.text + payload.text, status: null });
          else if (event === 'status') setLive((l) => l && { ...l, status: payload.text });
          else if (event === 'tool') {
            setLive((l) => l && { ...l, toolCalls: [...l.toolCalls, payload] });
            onToolCall?.(payload);
          } else if (event === 'done') onReply?.(payload);
          else if (event === 'error') failure = payload.message;
        });
      } catch (error) {
        if (!abort.signal.aborted) {
          setLive(null);
          throw error;
        }
        outcome = 'stopped';
        setLive((l) => l && { ...l, phase: 'stopped', status: null });
      } finally {
        controller.current = null;
      }
      // After a server-side failure no reply will be stored: one read shows what was.
      if (conversationId) await settle(conversationId, before, failure ? 1 : 10);
      setLive(null);
      await queryClient.invalidateQueries({ queryKey: CONVERSATIONS_KEY, exact: true });
      if (failure) throw new Error(failure);
      return { conversationId, outcome };
    },
    [client, queryClient, settle, onReply, onToolCall],
  );

  return {
    live,
    send,
    busy: live !== null,
    /** The stop button: closes the stream, which ends the turn on the server. */
    stop: useCallback(() => controller.current?.abort(), []),
  };
}
