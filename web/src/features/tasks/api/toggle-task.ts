import type { Task } from '@contracts/tasks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';
import { TASKS_KEY } from './list-tasks.js';

/** PATCH /api/tasks/:id/complete flips `completed`. */
export function useToggleTask() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      client.request<Task>(`/api/tasks/${encodeURIComponent(id)}/complete`, { method: 'PATCH' }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: TASKS_KEY }),
  });
}
