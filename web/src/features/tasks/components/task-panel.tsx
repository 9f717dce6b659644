import { inlineText } from '@contracts/text';
import { Link } from 'react-router';
import { Loading } from '../../../components/ui/spinner.js';
import { useTasks } from '../api/list-tasks.js';

/** Pending tasks beside the chat; refreshed whenever the assistant's tools change tasks. */
export function TaskPanel() {
  const { data, isPending, isError } = useTasks({ status: 'pending', sort: 'created', order: 'desc', limit: 50 });
  const items = data?.pages.flatMap((p) => p.items) ?? [];
  const counts = data?.pages[0]?.counts;
  return (
    <section className="task-panel" aria-labelledby="panel-title" aria-live="polite">
      <h2 id="panel-title">
        Pending <span className="count">{counts?.pending ?? ''}</span>
      </h2>
      {isPending && <Loading label="Loading tasks…" />}
      {isError && <p className="muted">Could not load tasks.</p>}
      {!isPending && items.length === 0 && (
        <p className="muted">Nothing pending. Ask the assistant to add something.</p>
      )}
      <ul className="panel-list">
        {items.map((task) => (
          <li key={task.id}>
            <span className={`dot prio-${task.priority}`} aria-hidden="true" />
            {inlineText(task.title)}
          </li>
        ))}
      </ul>
      {counts && (
        <p className="muted small">
          {counts.completed} done of {counts.total} · <Link to="/tasks">All tasks</Link>
        </p>
      )}
    </section>
  );
}
