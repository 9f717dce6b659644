import type { ChatResponse } from '@contracts/chat';
import { useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { ChatThread } from '../../features/chat/components/chat-thread.js';
import { ConversationList } from '../../features/chat/components/conversation-list.js';
import { TASKS_KEY } from '../../features/tasks/api/list-tasks.js';
import { TaskPanel } from '../../features/tasks/components/task-panel.js';
import { useTitle } from '../../lib/use-title.js';

const CHANGING_TOOLS = new Set(['add_task', 'complete_task', 'update_task', 'delete_task']);

/** Chat composed with the live task panel: the assistant's tool calls refresh the tasks. */
export function ChatPage() {
  useTitle('Chat');
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const selected = params.get('c');
  const select = (id: string | null) => setParams(id ? { c: id } : {}, { replace: id !== null && selected === null });

  const onReply = (reply: ChatResponse) => {
    if (reply.tool_calls.some((call) => CHANGING_TOOLS.has(call.tool_name))) {
      void queryClient.invalidateQueries({ queryKey: TASKS_KEY });
    }
  };

  return (
    <div className="chat-page">
      <h1 className="visually-hidden">Chat</h1>
      <ConversationList selected={selected} onSelect={select} />
      <ChatThread conversationId={selected} onConversation={(id) => select(id)} onReply={onReply} />
      <TaskPanel />
    </div>
  );
}
