import type { Task } from '@contracts/tasks';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../../../lib/api-client.js';
import { AuthProvider } from '../../../lib/auth-context.js';
import { useUndoableDelete } from './use-undoable-delete.js';

const task = (id: string): Task => ({
  id,
  title: `Task ${id}`,
  description: null,
  completed: false,
  priority: 'medium',
  due_date: null,
  created_at: '2030-01-01T00:00:00Z',
  updated_at: '2030-01-01T00:00:00Z',
});

/** A fake API that records DELETEs (and whether they may outlive the page). */
function setup(undoMs = 40) {
  const deletes: Array<{ url: string; keepalive: boolean }> = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    if (init?.method === 'DELETE') {
      deletes.push({ url: String(input), keepalive: init.keepalive === true });
      return new Response(null, { status: 204 });
    }
    return new Response('{}', { status: 401 });
  });
  const client = createApiClient({
    fetch: fetch as unknown as typeof globalThis.fetch,
    setTimer: () => 0,
    clearTimer: () => {},
  });
  const queryClient = new QueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <AuthProvider client={client}>{children}</AuthProvider>
    </QueryClientProvider>
  );
  return { deletes, ...renderHook(() => useUndoableDelete({ undoMs }), { wrapper }) };
}

const wait = (ms: number) => act(() => new Promise((r) => setTimeout(r, ms)));

describe('delete with undo (a delayed delete)', () => {
  it('hides the task at once and sends nothing until the undo window closes', async () => {
    const { result, deletes } = setup();
    act(() => result.current.remove(task('a')));
    expect(result.current.pending?.id).toBe('a');
    expect(deletes).toEqual([]);
    await wait(80);
    expect(deletes).toEqual([{ url: '/api/tasks/a', keepalive: false }]);
    expect(result.current.pending).toBeNull();
  });

  it('Undo brings the same task back and nothing is ever sent', async () => {
    const { result, deletes } = setup();
    act(() => result.current.remove(task('a')));
    act(() => result.current.undo());
    expect(result.current.pending).toBeNull();
    await wait(80);
    expect(deletes).toEqual([]);
  });

  it('deleting another task sends the first at once; leaving the page sends the last (keepalive)', async () => {
    const { result, deletes, unmount } = setup(10_000);
    act(() => result.current.remove(task('a')));
    act(() => result.current.remove(task('b')));
    await wait(0);
    expect(deletes).toEqual([{ url: '/api/tasks/a', keepalive: false }]);
    unmount();
    await wait(0);
    expect(deletes).toEqual([
      { url: '/api/tasks/a', keepalive: false },
      { url: '/api/tasks/b', keepalive: true },
    ]);
  });
});
