import type { Conversation } from '@contracts/chat';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Loading } from '../../../components/ui/spinner.js';
import { fieldErrorsOf, messageOf } from '../../../lib/api-error.js';
import { useDeleteConversation } from '../api/delete-conversation.js';
import { useConversations } from '../api/list-conversations.js';
import { useRenameConversation } from '../api/rename-conversation.js';

interface Props {
  selected: string | null;
  onSelect(id: string | null): void;
}

const titleOf = (c: Conversation) => c.title ?? 'Untitled chat';

/** Inline rename: Enter saves, Escape cancels; the server's message shows under the field. */
function RenameForm({ conversation, onDone }: { conversation: Conversation; onDone(): void }) {
  const rename = useRenameConversation();
  const [title, setTitle] = useState(titleOf(conversation));
  const [error, setError] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const errorId = `rename-${conversation.id}-error`;
  useEffect(() => field.current?.select(), []);

  async function save(event: FormEvent) {
    event.preventDefault();
    try {
      await rename.mutateAsync({ id: conversation.id, title });
      onDone();
    } catch (e) {
      setError(fieldErrorsOf(e).title ?? messageOf(e));
    }
  }

  return (
    <form className="rename" onSubmit={save}>
      <label htmlFor={`rename-${conversation.id}`} className="visually-hidden">
        Conversation title
      </label>
      <input
        id={`rename-${conversation.id}`}
        ref={field}
        value={title}
        maxLength={100}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => setTitle(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onDone();
        }}
      />
      <div className="rename-actions">
        <button type="submit" className="primary small" disabled={rename.isPending}>
          Save
        </button>
        <button type="button" className="ghost small" onClick={onDone}>
          Cancel
        </button>
      </div>
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </form>
  );
}

export function ConversationList({ selected, onSelect }: Props) {
  const { data, isPending } = useConversations();
  const remove = useDeleteConversation();
  const [renaming, setRenaming] = useState<string | null>(null);
  return (
    <nav className="conversations" aria-label="Conversations">
      <button type="button" className="primary block" onClick={() => onSelect(null)}>
        New chat
      </button>
      {isPending && <Loading />}
      {data?.length === 0 && <p className="muted small">No conversations yet.</p>}
      <ul>
        {data?.map((c) =>
          renaming === c.id ? (
            <li key={c.id} className="renaming">
              <RenameForm conversation={c} onDone={() => setRenaming(null)} />
            </li>
          ) : (
            <li key={c.id} className={c.id === selected ? 'active' : ''}>
              {/* Long titles end in an ellipsis; the whole title is the tooltip and the accessible name. */}
              <button
                type="button"
                className="conversation"
                title={titleOf(c)}
                aria-current={c.id === selected ? 'page' : undefined}
                onClick={() => onSelect(c.id)}
              >
                {titleOf(c)}
              </button>
              <button
                type="button"
                className="ghost small icon"
                aria-label={`Rename conversation ${titleOf(c)}`}
                title="Rename"
                onClick={() => setRenaming(c.id)}
              >
                <span aria-hidden="true">✎</span>
              </button>
              <button
                type="button"
                className="ghost small icon"
                aria-label={`Delete conversation ${titleOf(c)}`}
                title="Delete"
                onClick={() => {
                  remove.mutate(c.id);
                  if (c.id === selected) onSelect(null);
                }}
              >
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ),
        )}
      </ul>
    </nav>
  );
}
