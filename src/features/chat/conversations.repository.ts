import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { conversations, messages, type StoredToolCall } from '../../db/schema.js';
import { isUuid } from '../../lib/uuid.js';

/**
 * Conversations and their messages. Every read and write is filtered by the
 * owner, so another user's conversation id behaves exactly like an unknown one.
 */

export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;

/** How many past messages the assistant sees: enough context, bounded cost. */
export const HISTORY_LIMIT = 40;

export function createConversationsRepository(db: Db) {
  return {
    async find(userId: string, id: string): Promise<ConversationRow | null> {
      if (!isUuid(id)) return null;
      const [row] = await db
        .select()
        .from(conversations)
        .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
        .limit(1);
      return row ?? null;
    },

    async create(userId: string, title: string, now: Date): Promise<ConversationRow> {
      const [row] = await db
        .insert(conversations)
        .values({ userId, title, createdAt: now, updatedAt: now })
        .returning();
      if (!row) throw new Error('conversation insert returned nothing');
      return row;
    },

    async list(userId: string): Promise<ConversationRow[]> {
      return db
        .select()
        .from(conversations)
        .where(eq(conversations.userId, userId))
        .orderBy(desc(conversations.updatedAt), desc(conversations.id))
        .limit(200);
    },

    /** Renames without touching updated_at: the list stays ordered by activity. */
    async rename(userId: string, id: string, title: string): Promise<ConversationRow | null> {
      if (!isUuid(id)) return null;
      const [row] = await db
        .update(conversations)
        .set({ title })
        .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
        .returning();
      return row ?? null;
    },

    async remove(userId: string, id: string): Promise<boolean> {
      if (!isUuid(id)) return false;
      const rows = await db
        .delete(conversations)
        .where(and(eq(conversations.id, id), eq(conversations.userId, userId)))
        .returning({ id: conversations.id });
      return rows.length > 0;
    },

    async addMessage(input: {
      conversationId: string;
      userId: string;
      role: 'user' | 'assistant';
      content: string;
      toolCalls: StoredToolCall[] | null;
      llmItems?: unknown[] | null;
      offlineMemo?: Record<string, unknown> | null;
      now: Date;
    }): Promise<MessageRow> {
      const [row] = await db
        .insert(messages)
        .values({
          conversationId: input.conversationId,
          userId: input.userId,
          role: input.role,
          content: input.content,
          toolCalls: input.toolCalls,
          llmItems: input.llmItems ?? null,
          offlineMemo: input.offlineMemo ?? null,
          // Strictly after the previous message, so order survives equal clock readings.
          createdAt: sql`greatest(${input.now.toISOString()}::timestamptz, (select max(${messages.createdAt}) + interval '1 millisecond' from ${messages} where ${messages.conversationId} = ${input.conversationId}))`,
        })
        .returning();
      if (!row) throw new Error('message insert returned nothing');
      await db
        .update(conversations)
        .set({ updatedAt: input.now })
        .where(and(eq(conversations.id, input.conversationId), eq(conversations.userId, input.userId)));
      return row;
    },

    /** All messages, oldest first. */
    async messages(userId: string, conversationId: string): Promise<MessageRow[]> {
      return db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, conversationId), eq(messages.userId, userId)))
        .orderBy(asc(messages.createdAt), asc(messages.id));
    },

    /** The latest messages, oldest first: what the assistant is given as history. */
    async recentMessages(userId: string, conversationId: string, limit = HISTORY_LIMIT): Promise<MessageRow[]> {
      const rows = await db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, conversationId), eq(messages.userId, userId)))
        .orderBy(desc(messages.createdAt), desc(messages.id))
        .limit(limit);
      return rows.reverse();
    },
  };
}

export type ConversationsRepository = ReturnType<typeof createConversationsRepository>;
