import type { Task, UpdateTaskRequest } from '@contracts/tasks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';
import { TASKS_KEY } from './list-tasks.js';

export function useUpdateTask() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UpdateTaskRequest }) =>
      client.request<Task>(`/api/tasks/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: TASKS_KEY }),
  });
}
