import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { conversations, messages, tasks, users } from '../../db/schema.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Everything a user gave the product, for the export (GDPR Art. 15 and 20):
 * every query is filtered by the user's id, as every other read is.
 */
export async function collectAccountData(db: Db, userId: string, now: Date) {
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user) return null;
  const taskRows = await db
    .select()
    .from(tasks)
    .where(eq(tasks.ownerId, userId))
    .orderBy(asc(tasks.createdAt), asc(tasks.id));
  const conversationRows = await db
    .select()
    .from(conversations)
    .where(eq(conversations.userId, userId))
    .orderBy(asc(conversations.createdAt), asc(conversations.id));
  const messageRows = await db
    .select()
    .from(messages)
    .where(eq(messages.userId, userId))
    .orderBy(asc(messages.createdAt), asc(messages.id));

  return {
    exported_at: now.toISOString(),
    profile: {
      id: user.id,
      email: user.email,
      name: user.name,
      time_zone: user.timeZone,
      is_active: user.isActive,
      created_at: user.createdAt.toISOString(),
      updated_at: user.updatedAt.toISOString(),
      last_login_at: iso(user.lastLoginAt),
    },
    tasks: taskRows.map((t) => ({
      id: t.id,
      title: t.title,
      description: t.description,
      completed: t.completed,
      priority: t.priority,
      due_date: t.dueDate,
      created_at: t.createdAt.toISOString(),
      updated_at: t.updatedAt.toISOString(),
      completed_at: iso(t.completedAt),
    })),
    conversations: conversationRows.map((c) => ({
      id: c.id,
      title: c.title,
      created_at: c.createdAt.toISOString(),
      updated_at: c.updatedAt.toISOString(),
      messages: messageRows
        .filter((m) => m.conversationId === c.id)
        .map((m) => ({
          id: m.id,
          role: m.role,
          content: m.content,
          tool_calls: m.toolCalls ?? null,
          created_at: m.createdAt.toISOString(),
        })),
    })),
  };
}
