import type { ListTasksQuery, TaskPage } from '@contracts/tasks';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useApi } from '../../../lib/auth-context.js';

export type TaskFilters = Omit<ListTasksQuery, 'cursor'>;

/** Every task query starts with this key, so one invalidation refreshes every list and panel. */
export const TASKS_KEY = ['tasks'] as const;

export function useTasks(filters: TaskFilters) {
  const client = useApi();
  return useInfiniteQuery({
    queryKey: [...TASKS_KEY, filters],
    queryFn: ({ pageParam, signal }) =>
      client.request<TaskPage>('/api/tasks', { query: { ...filters, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: (previous) => previous,
  });
}
