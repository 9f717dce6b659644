import type { ApiClient } from '../../../lib/api-client.js';

/** DELETE /api/tasks/:id (204). `keepalive` lets it finish after the tab is closed. */
export function deleteTask(client: ApiClient, id: string, options: { keepalive?: boolean } = {}) {
  return client.request<void>(`/api/tasks/${encodeURIComponent(id)}`, {
    method: 'DELETE',
    ...(options.keepalive ? { keepalive: true } : {}),
  });
}
