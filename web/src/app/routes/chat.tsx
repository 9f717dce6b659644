import type { ChatResponse, ToolCall } from '@contracts/chat';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ChatThread } from '../../features/chat/components/chat-thread.js';
import { ConversationList } from '../../features/chat/components/conversation-list.js';
import { TASKS_KEY } from '../../features/tasks/api/list-tasks.js';
import { TaskPanel } from '../../features/tasks/components/task-panel.js';
import { useTitle } from '../../lib/use-title.js';

const CHANGING_TOOLS = new Set(['add_task', 'complete_task', 'update_task', 'delete_task']);

type Panel = 'conversations' | 'tasks' | null;

/**
 * Chat composed with the conversation list and the live task panel: the
 * assistant's tool calls refresh the tasks as they happen. The page fits the
 * window (only its lists scroll); on narrow screens the two side panels open
 * over the conversation from a small toolbar.
 */
export function ChatPage() {
  useTitle('Chat');
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const [panel, setPanel] = useState<Panel>(null);
  const selected = params.get('c');
  const select = (id: string | null) => {
    setPanel(null);
    setParams(id ? { c: id } : {}, { replace: id !== null && selected === null });
  };

  const refreshTasks = (calls: ToolCall[]) => {
    if (calls.some((call) => CHANGING_TOOLS.has(call.tool_name))) {
      void queryClient.invalidateQueries({ queryKey: TASKS_KEY });
    }
  };
  const toggle = (which: Exclude<Panel, null>) => setPanel((open) => (open === which ? null : which));

  return (
    <div className="chat-page" data-panel={panel ?? undefined}>
      <h1 className="visually-hidden">Chat</h1>
      <div className="chat-toolbar">
        <button
          type="button"
          className="ghost small"
          aria-expanded={panel === 'conversations'}
          aria-controls="chat-conversations"
          onClick={() => toggle('conversations')}
        >
          Conversations
        </button>
        <button
          type="button"
          className="ghost small"
          aria-expanded={panel === 'tasks'}
          aria-controls="chat-tasks"
          onClick={() => toggle('tasks')}
        >
          Pending tasks
        </button>
      </div>
      <div id="chat-conversations" className="side conversations-side">
        <ConversationList selected={selected} onSelect={select} />
      </div>
      <ChatThread
        conversationId={selected}
        onConversation={(id) => select(id)}
        onReply={(reply: ChatResponse) => refreshTasks(reply.tool_calls)}
        onToolCall={(call) => refreshTasks([call])}
      />
      <div id="chat-tasks" className="side tasks-side">
        <TaskPanel />
      </div>
    </div>
  );
}
