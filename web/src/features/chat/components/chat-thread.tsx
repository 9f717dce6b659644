import type { ChatResponse, ToolCall } from '@contracts/chat';
import { useEffect, useRef, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Loading } from '../../../components/ui/spinner.js';
import { fieldErrorsOf, messageOf } from '../../../lib/api-error.js';
import { useConversation } from '../api/get-conversation.js';
import { useSendMessage } from '../api/send-message.js';
import { Composer } from './composer.js';
import { ExamplePrompts } from './example-prompts.js';
import { MessageItem } from './message-item.js';

interface Props {
  conversationId: string | null;
  onConversation(id: string): void;
  onReply(reply: ChatResponse): void;
  onToolCall(call: ToolCall): void;
}

/**
 * The conversation: a scrolling log of messages (the only part that scrolls;
 * focusable so keyboard users can scroll it), the reply streaming in as it is
 * written, and the composer, which stays put below.
 */
export function ChatThread({ conversationId, onConversation, onReply, onToolCall }: Props) {
  const conversation = useConversation(conversationId);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const chat = useSendMessage({ onReply, onToolCall });
  const log = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const messages = conversationId ? (conversation.data?.messages ?? []) : [];
  const live = chat.live;

  // Follow the conversation to its end as messages and streamed words arrive.
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever the content grows
  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length, live?.text, live?.toolCalls.length, live?.phase]);

  async function send() {
    const message = text.trim();
    if (!message || chat.busy) return;
    setError(null);
    setText('');
    try {
      const result = await chat.send({ message, ...(conversationId ? { conversation_id: conversationId } : {}) });
      if (result.conversationId && result.conversationId !== conversationId) onConversation(result.conversationId);
    } catch (e) {
      setText(message);
      setError(fieldErrorsOf(e).message ?? messageOf(e));
    }
  }

  function pick(prompt: string) {
    setText(prompt);
    input.current?.focus();
  }

  const empty = messages.length === 0 && !live && !(conversationId && conversation.isPending);
  const liveNote = live
    ? live.phase === 'stopped'
      ? 'Stopped.'
      : (live.status ?? (live.text === '' ? 'Thinking…' : null))
    : null;

  return (
    <section className="thread" aria-label="Conversation">
      {/* WCAG 2.1.1: a scrolling region must be reachable by keyboard (axe: scrollable-region-focusable). */}
      <div
        className="messages"
        role="log"
        aria-label="Messages"
        aria-busy={live?.phase === 'streaming'}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls; keyboard users scroll it with focus
        tabIndex={0}
        ref={log}
      >
        {conversationId && conversation.isPending && <Loading label="Loading messages…" />}
        {empty && <ExamplePrompts onPick={pick} />}
        {(messages.length > 0 || live) && (
          <ol className="message-list">
            {messages.map((m) => (
              <MessageItem key={m.id} message={m} />
            ))}
            {live && <MessageItem message={{ role: 'user', content: live.message, tool_calls: [] }} />}
            {live && (
              <MessageItem
                message={{ role: 'assistant', content: live.text, tool_calls: live.toolCalls }}
                transient
                live={live.phase === 'streaming'}
                note={liveNote}
              />
            )}
          </ol>
        )}
      </div>
      {error && <Alert>{error}</Alert>}
      <Composer
        text={text}
        onText={setText}
        onSend={() => void send()}
        busy={chat.busy}
        onStop={() => {
          chat.stop();
          input.current?.focus();
        }}
        input={input}
      />
    </section>
  );
}
