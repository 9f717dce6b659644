import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../src/db/client.js';
import { tasks } from '../../src/db/schema.js';
import { addTask, listTasks, setTaskCompleted, type TaskPriority } from '../../src/features/tasks/tasks.service.js';
import { bearer, PASSWORD } from '../helpers/app.js';

export interface SeedTask {
  title: string;
  completed?: boolean;
  priority?: TaskPriority;
  due_date?: string;
}

/** Replaces the user's tasks; creation times one second apart so list order is known. */
export async function seedTasks(db: Db, userId: string, list: SeedTask[], start: number) {
  await db.delete(tasks).where(eq(tasks.ownerId, userId));
  let i = 0;
  for (const t of list) {
    const at = new Date(start - (list.length - i) * 1000);
    const task = await addTask(
      db,
      userId,
      {
        title: t.title,
        ...(t.priority ? { priority: t.priority } : {}),
        ...(t.due_date ? { due_date: t.due_date } : {}),
      },
      at,
    );
    if (t.completed) await setTaskCompleted(db, userId, task.id, true, at);
    i++;
  }
}

export async function taskTitles(db: Db, userId: string) {
  const page = await listTasks(db, userId, { sort: 'created', order: 'asc', limit: 100 });
  return page.items;
}

export async function chat(app: FastifyInstance, token: string, message: string, conversationId?: string) {
  return app.inject({
    method: 'POST',
    url: '/api/chat',
    headers: bearer(token),
    payload: { message, ...(conversationId ? { conversation_id: conversationId } : {}) },
  });
}

/** A personal access token of the user, with these scopes. */
export async function createPat(app: FastifyInstance, token: string, scopes: string[]): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/tokens',
    headers: bearer(token),
    payload: { name: `pat ${scopes.join(' ')}`, scopes, password: PASSWORD },
  });
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`token create failed: ${res.body}`);
  return res.json().token;
}
