import type { Task } from '@contracts/tasks';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../../../lib/auth-context.js';
import { deleteTask } from '../api/delete-task.js';
import { TASKS_KEY } from '../api/list-tasks.js';

/** How long "Undo" is offered before the delete reaches the server. */
export const UNDO_MS = 8_000;

/**
 * Delete with undo (SPEC §4), as a delayed delete: the task disappears from the
 * page at once and the DELETE is sent when the undo window closes, when another
 * task is deleted, when the page is left (unmount), or as the tab closes
 * (`pagehide`, with a keepalive request). Undo therefore restores the very same
 * task (its id, dates, completion and place in the list) without writing
 * anything; re-creating it would give it a new id and creation date. The cost:
 * for those seconds other devices and the assistant still see it.
 */
export function useUndoableDelete(options: { undoMs?: number } = {}) {
  const undoMs = options.undoMs ?? UNDO_MS;
  const client = useApi();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<Task | null>(null);
  const [error, setError] = useState<{ task: Task; cause: unknown } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const current = useRef<Task | null>(null);

  const send = useCallback(
    (task: Task, keepalive = false) => {
      deleteTask(client, task.id, { keepalive })
        .catch((cause: unknown) => setError({ task, cause }))
        .finally(() => void queryClient.invalidateQueries({ queryKey: TASKS_KEY }));
    },
    [client, queryClient],
  );

  /** Sends the pending delete now, if any. */
  const commit = useCallback(
    (keepalive = false) => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      const task = current.current;
      current.current = null;
      setPending(null);
      if (task) send(task, keepalive);
    },
    [send],
  );

  const remove = useCallback(
    (task: Task) => {
      commit();
      setError(null);
      current.current = task;
      setPending(task);
      timer.current = setTimeout(() => commit(), undoMs);
    },
    [commit, undoMs],
  );

  const undo = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    current.current = null;
    setPending(null);
  }, []);

  // Leaving the page or closing the tab still deletes what the user deleted.
  useEffect(() => {
    const onHide = () => commit(true);
    window.addEventListener('pagehide', onHide);
    return () => {
      window.removeEventListener('pagehide', onHide);
      commit(true);
    };
  }, [commit]);

  return { pending, remove, undo, commit, error, clearError: () => setError(null) };
}
