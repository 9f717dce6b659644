import type { ChatMessage } from '@contracts/chat';
import { ToolCard } from './tool-card.js';

export type MessageView = Pick<ChatMessage, 'role' | 'content' | 'tool_calls'>;

/**
 * One message of the conversation. The reply being written is `transient` (it
 * is replaced by the stored message once the turn is saved); while it streams,
 * `live` marks it busy (screen readers announce it once complete) and `note`
 * says what is happening ("Thinking…", "Stopped.").
 */
export function MessageItem({
  message,
  transient = false,
  live = false,
  note,
}: {
  message: MessageView;
  transient?: boolean;
  live?: boolean;
  note?: string | null | undefined;
}) {
  const who = message.role === 'user' ? 'You said:' : 'Assistant:';
  const classes = ['message', message.role, transient ? 'typing' : '', live ? 'live' : ''].filter(Boolean);
  return (
    <li className={classes.join(' ')} aria-busy={live || undefined}>
      <span className="visually-hidden">{who}</span>
      {(message.content !== '' || !note) && <div className="bubble">{message.content}</div>}
      {note && <div className={`bubble note${message.content !== '' ? ' after' : ''}`}>{note}</div>}
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
