import { Loading } from '../../../components/ui/spinner.js';
import { useDeleteConversation } from '../api/delete-conversation.js';
import { useConversations } from '../api/list-conversations.js';

interface Props {
  selected: string | null;
  onSelect(id: string | null): void;
}

export function ConversationList({ selected, onSelect }: Props) {
  const { data, isPending } = useConversations();
  const remove = useDeleteConversation();
  return (
    <nav className="conversations" aria-label="Conversations">
      <button type="button" className="primary block" onClick={() => onSelect(null)}>
        New chat
      </button>
      {isPending && <Loading />}
      {data?.length === 0 && <p className="muted small">No conversations yet.</p>}
      <ul>
        {data?.map((c) => (
          <li key={c.id} className={c.id === selected ? 'active' : ''}>
            <button
              type="button"
              className="conversation"
              aria-current={c.id === selected ? 'page' : undefined}
              onClick={() => onSelect(c.id)}
            >
              {c.title ?? 'Untitled chat'}
            </button>
            <button
              type="button"
              className="ghost small icon"
              aria-label={`Delete conversation ${c.title ?? 'Untitled chat'}`}
              onClick={() => {
                remove.mutate(c.id);
                if (c.id === selected) onSelect(null);
              }}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
