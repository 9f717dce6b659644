import type { CreateTaskRequest, Task } from '@contracts/tasks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';
import { TASKS_KEY } from './list-tasks.js';

export function useCreateTask() {
  const client = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTaskRequest) => client.request<Task>('/api/tasks', { method: 'POST', body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: TASKS_KEY }),
  });
}
