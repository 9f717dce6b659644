import { createTaskRequest, TASK_PRIORITIES, type Task } from '@contracts/tasks';
import { type FormEvent, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Field } from '../../../components/ui/field.js';
import { ApiError, fieldErrorsOf, messageOf } from '../../../lib/api-error.js';
import { useCreateTask } from '../api/create-task.js';

type TaskPriority = Task['priority'];

export function AddTaskForm() {
  const create = useCreateTask();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState<TaskPriority>('medium');
  const [dueDate, setDueDate] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body = {
      title,
      priority,
      ...(description.trim() ? { description } : {}),
      ...(dueDate ? { due_date: dueDate } : {}),
    };
    const parsed = createTaskRequest.safeParse(body);
    if (!parsed.success) {
      const local: Record<string, string> = {};
      for (const issue of parsed.error.issues) local[String(issue.path[0])] ??= issue.message;
      setErrors(local);
      return;
    }
    setErrors({});
    try {
      await create.mutateAsync(body);
      setTitle('');
      setDescription('');
      setPriority('medium');
      setDueDate('');
    } catch (error) {
      setErrors(fieldErrorsOf(error));
    }
  }

  const failed = create.error && !(create.error instanceof ApiError && create.error.fieldErrors?.length);
  return (
    <form className="add-task" onSubmit={submit} noValidate aria-label="Add a task">
      {failed && <Alert>{messageOf(create.error)}</Alert>}
      <Field
        label="New task"
        name="title"
        placeholder="What needs doing?"
        value={title}
        maxLength={200}
        onChange={(e) => setTitle(e.target.value)}
        error={errors.title}
        className="grow"
      />
      <div className="field description">
        <label htmlFor="new-task-description">Description (optional)</label>
        <textarea
          id="new-task-description"
          value={description}
          rows={2}
          maxLength={1000}
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={errors.description ? 'new-task-description-error' : undefined}
          onChange={(e) => setDescription(e.target.value)}
        />
        {errors.description && (
          <p id="new-task-description-error" className="field-error">
            {errors.description}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="new-task-priority">Priority</label>
        <select id="new-task-priority" value={priority} onChange={(e) => setPriority(e.target.value as TaskPriority)}>
          {TASK_PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </div>
      <Field
        label="Due"
        type="date"
        name="due_date"
        value={dueDate}
        onChange={(e) => setDueDate(e.target.value)}
        error={errors.due_date}
      />
      <button type="submit" className="primary" disabled={create.isPending}>
        {create.isPending ? 'Adding…' : 'Add task'}
      </button>
    </form>
  );
}
