import { TASK_PRIORITIES, type Task, updateTaskRequest } from '@contracts/tasks';
import { inlineText } from '@contracts/text';
import { type FormEvent, useState } from 'react';
import { Field } from '../../../components/ui/field.js';
import { fieldErrorsOf, messageOf } from '../../../lib/api-error.js';
import { useDates } from '../../../lib/use-dates.js';
import { useToggleTask } from '../api/toggle-task.js';
import { useUpdateTask } from '../api/update-task.js';

function EditTask({ task, onDone }: { task: Task; onDone(): void }) {
  const update = useUpdateTask();
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description ?? '');
  const [priority, setPriority] = useState(task.priority);
  const [due, setDue] = useState(task.due_date ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function submit(event: FormEvent) {
    event.preventDefault();
    const patch = { title, description, priority, due_date: due || null };
    const parsed = updateTaskRequest.safeParse(patch);
    if (!parsed.success) {
      const local: Record<string, string> = {};
      for (const issue of parsed.error.issues) local[String(issue.path[0] ?? 'title')] ??= issue.message;
      setErrors(local);
      return;
    }
    try {
      await update.mutateAsync({ id: task.id, patch });
      onDone();
    } catch (error) {
      const fields = fieldErrorsOf(error);
      setErrors(Object.keys(fields).length ? fields : { title: messageOf(error) });
    }
  }

  return (
    <form className="edit-task" onSubmit={submit} noValidate aria-label={`Edit ${task.title}`}>
      <Field label="Title" value={title} autoFocus onChange={(e) => setTitle(e.target.value)} error={errors.title} />
      <div className="field">
        <label htmlFor={`desc-${task.id}`}>Description</label>
        <textarea
          id={`desc-${task.id}`}
          value={description}
          rows={2}
          aria-describedby={errors.description ? `desc-${task.id}-error` : undefined}
          onChange={(e) => setDescription(e.target.value)}
        />
        {errors.description && (
          <p id={`desc-${task.id}-error`} className="field-error">
            {errors.description}
          </p>
        )}
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor={`prio-${task.id}`}>Priority</label>
          <select
            id={`prio-${task.id}`}
            value={priority}
            onChange={(e) => setPriority(e.target.value as Task['priority'])}
          >
            {TASK_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <Field label="Due" type="date" value={due} onChange={(e) => setDue(e.target.value)} error={errors.due_date} />
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={update.isPending}>
          Save
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** One task; `onDelete` hides it at once and offers Undo (hooks/use-undoable-delete.ts). */
export function TaskItem({ task, onDelete }: { task: Task; onDelete(task: Task): void }) {
  const [editing, setEditing] = useState(false);
  const toggle = useToggleTask();
  const dates = useDates();
  const overdue = dates.isOverdue(task);
  if (editing) {
    return (
      <li className="task editing">
        <EditTask task={task} onDone={() => setEditing(false)} />
      </li>
    );
  }
  return (
    <li className={`task ${task.completed ? 'done' : ''} ${overdue ? 'overdue' : ''}`}>
      <input
        type="checkbox"
        id={`task-${task.id}`}
        checked={task.completed}
        disabled={toggle.isPending}
        onChange={() => toggle.mutate(task.id)}
      />
      <div className="task-body">
        <label htmlFor={`task-${task.id}`} className="task-title">
          {inlineText(task.title)}
        </label>
        {task.description && <p className="task-desc">{task.description}</p>}
        <div className="task-meta">
          <span className={`badge prio-${task.priority}`}>{task.priority}</span>
          {task.due_date && <span className="due">Due {dates.date(task.due_date)}</span>}
          {/* Said in words, not only in colour (WCAG 1.4.1). */}
          {overdue && <span className="badge overdue">Overdue</span>}
        </div>
      </div>
      <div className="task-actions">
        <button
          type="button"
          className="ghost small"
          onClick={() => setEditing(true)}
          aria-label={`Edit ${task.title}`}
        >
          Edit
        </button>
        <button
          type="button"
          className="ghost small danger"
          onClick={() => onDelete(task)}
          aria-label={`Delete ${task.title}`}
        >
          Delete
        </button>
      </div>
    </li>
  );
}
