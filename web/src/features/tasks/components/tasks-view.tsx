import { useEffect, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Loading } from '../../../components/ui/spinner.js';
import { Toast } from '../../../components/ui/toast.js';
import { messageOf } from '../../../lib/api-error.js';
import { type TaskFilters, useTasks } from '../api/list-tasks.js';
import { useUndoableDelete } from '../hooks/use-undoable-delete.js';
import { AddTaskForm } from './add-task-form.js';
import { TaskFiltersBar } from './task-filters.js';
import { TaskItem } from './task-item.js';

export function TasksView() {
  const [filters, setFilters] = useState<TaskFilters>({ status: 'all' });
  const [search, setSearch] = useState('');

  // Ask the server once typing pauses, not on every key.
  useEffect(() => {
    const handle = setTimeout(() => {
      setFilters((f) => {
        const { search: _drop, ...rest } = f;
        const value = search.trim();
        return value ? { ...rest, search: value } : rest;
      });
    }, 250);
    return () => clearTimeout(handle);
  }, [search]);

  const query = useTasks(filters);
  const deletion = useUndoableDelete();
  const hidden = deletion.pending;
  const items = (query.data?.pages.flatMap((p) => p.items) ?? []).filter((t) => t.id !== hidden?.id);
  const served = query.data?.pages[0]?.counts;
  // The task waiting to be deleted is already gone from the page: from its counts too.
  const counts =
    served && hidden
      ? {
          total: served.total - 1,
          pending: served.pending - (hidden.completed ? 0 : 1),
          completed: served.completed - (hidden.completed ? 1 : 0),
        }
      : served;
  const filtered = Boolean(filters.search || filters.priority || (filters.status && filters.status !== 'all'));

  return (
    <div className="tasks-view">
      <AddTaskForm />
      <TaskFiltersBar filters={filters} search={search} counts={counts} onSearch={setSearch} onChange={setFilters} />
      {query.isPending && <Loading label="Loading tasks…" />}
      {query.isError && <Alert>{messageOf(query.error)}</Alert>}
      {deletion.error && (
        <Alert>
          Could not delete “{deletion.error.task.title}”: {messageOf(deletion.error.cause)}
        </Alert>
      )}
      {!query.isPending && !query.isError && items.length === 0 && (
        <div className="empty" role="status">
          {filtered ? (
            <p>No tasks match these filters.</p>
          ) : (
            <>
              <p className="empty-title">No tasks yet</p>
              <p className="muted">Add your first one above, or ask the assistant in Chat.</p>
            </>
          )}
        </div>
      )}
      <ul className="task-list" aria-label="Tasks" aria-busy={query.isFetching}>
        {items.map((task) => (
          <TaskItem key={task.id} task={task} onDelete={deletion.remove} />
        ))}
      </ul>
      {query.hasNextPage && (
        <button
          type="button"
          className="ghost load-more"
          onClick={() => void query.fetchNextPage()}
          disabled={query.isFetchingNextPage}
        >
          {query.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
      {hidden && (
        <Toast
          key={hidden.id}
          message={`Deleted “${hidden.title}”.`}
          action="Undo"
          onAction={deletion.undo}
          onDismiss={() => deletion.commit()}
        />
      )}
    </div>
  );
}
