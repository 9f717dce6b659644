import type { ToolCall } from '@contracts/chat';
import { inlineText } from '@contracts/text';

const VERBS: Record<string, { icon: string; verb: string }> = {
  add_task: { icon: '＋', verb: 'Added' },
  complete_task: { icon: '✓', verb: 'Completed' },
  update_task: { icon: '✎', verb: 'Updated' },
  delete_task: { icon: '🗑', verb: 'Deleted' },
  list_tasks: { icon: '☰', verb: 'Looked up tasks' },
};

function describe(call: ToolCall): string {
  const result = call.result as { title?: unknown; error?: unknown; status?: unknown } | unknown[] | null;
  if (Array.isArray(result)) return `${result.length} task${result.length === 1 ? '' : 's'}`;
  if (result && typeof result === 'object') {
    if (typeof result.error === 'string') return result.error;
    if (typeof result.title === 'string') return `“${inlineText(result.title)}”`;
  }
  const title = call.arguments.title;
  return typeof title === 'string' ? `“${inlineText(title)}”` : '';
}

/** A small card for one action the assistant took with the task tools. */
export function ToolCard({ call }: { call: ToolCall }) {
  const known = VERBS[call.tool_name] ?? { icon: '⚙', verb: call.tool_name };
  const failed = Boolean(
    call.result && typeof call.result === 'object' && 'error' in (call.result as Record<string, unknown>),
  );
  return (
    <li className={`tool-card ${call.tool_name} ${failed ? 'failed' : ''}`}>
      <span className="tool-icon" aria-hidden="true">
        {known.icon}
      </span>
      <span>
        <strong>{known.verb}</strong> {describe(call)}
      </span>
    </li>
  );
}
