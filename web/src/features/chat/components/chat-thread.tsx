import type { ChatMessage, ChatResponse } from '@contracts/chat';
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Loading } from '../../../components/ui/spinner.js';
import { fieldErrorsOf, messageOf } from '../../../lib/api-error.js';
import { useConversation } from '../api/get-conversation.js';
import { useSendMessage } from '../api/send-message.js';
import { ToolCard } from './tool-card.js';

interface Props {
  conversationId: string | null;
  onConversation(id: string): void;
  onReply(reply: ChatResponse): void;
}

function Message({ message }: { message: Pick<ChatMessage, 'role' | 'content' | 'tool_calls'> }) {
  return (
    <li className={`message ${message.role}`}>
      <span className="visually-hidden">{message.role === 'user' ? 'You said:' : 'Assistant:'}</span>
      <div className="bubble">{message.content}</div>
      {message.tool_calls.length > 0 && (
        <ul className="tool-cards" aria-label="Actions taken">
          {message.tool_calls.map((call, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: calls have no id and never reorder
            <ToolCard key={i} call={call} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function ChatThread({ conversationId, onConversation, onReply }: Props) {
  const conversation = useConversation(conversationId);
  const [text, setText] = useState('');
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const send = useSendMessage((reply) => {
    onReply(reply);
    if (reply.conversation_id !== conversationId) onConversation(reply.conversation_id);
  });
  const end = useRef<HTMLLIElement>(null);
  const messages = conversationId ? (conversation.data?.messages ?? []) : [];

  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever a message arrives or is sent
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [messages.length, pending]);

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    const message = text.trim();
    if (!message || send.isPending) return;
    setError(null);
    setPending(message);
    setText('');
    try {
      await send.mutateAsync({ message, ...(conversationId ? { conversation_id: conversationId } : {}) });
      await conversation.refetch();
    } catch (e) {
      setText(message);
      setError(fieldErrorsOf(e).message ?? messageOf(e));
    } finally {
      setPending(null);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  }

  return (
    <section className="thread" aria-label="Conversation">
      <ol className="messages" role="log" aria-live="polite" aria-label="Messages">
        {conversationId && conversation.isPending && <Loading label="Loading messages…" />}
        {messages.length === 0 && !pending && !conversation.isPending && (
          <li className="empty-chat">
            <p className="empty-title">Ask me about your tasks</p>
            <p className="muted">Try “add buy milk”, “what's pending?” or “mark buy milk done”.</p>
          </li>
        )}
        {messages.map((m) => (
          <Message key={m.id} message={m} />
        ))}
        {pending && <Message message={{ role: 'user', content: pending, tool_calls: [] }} />}
        {pending && (
          <li className="message assistant typing">
            <span className="bubble">Thinking…</span>
          </li>
        )}
        <li ref={end} aria-hidden="true" className="end" />
      </ol>
      {error && <Alert>{error}</Alert>}
      <form className="composer" onSubmit={submit}>
        <label htmlFor="chat-input" className="visually-hidden">
          Message the assistant
        </label>
        <textarea
          id="chat-input"
          rows={2}
          maxLength={2000}
          value={text}
          placeholder="Ask about your tasks…"
          aria-describedby="chat-input-hint"
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <span id="chat-input-hint" className="visually-hidden">
          Enter sends; Shift+Enter starts a new line.
        </span>
        <button type="submit" className="primary" disabled={send.isPending || !text.trim()}>
          Send
        </button>
      </form>
    </section>
  );
}
