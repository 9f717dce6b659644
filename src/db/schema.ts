import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  date,
  index,
  inet,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name'),
    passwordHash: text('password_hash').notNull(),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    lastLoginAt: ts('last_login_at'),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

/** A session is one signed-in device; refresh tokens rotate within it. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    userAgent: text('user_agent'),
    ip: inet('ip'),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastUsedAt: ts('last_used_at').notNull().defaultNow(),
    /** Absolute lifetime: rotation never extends it. */
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
    revokedReason: text('revoked_reason'),
  },
  (t) => [
    index('sessions_user_idx').on(t.userId),
    index('sessions_revoked_idx').on(t.revokedAt).where(sql`${t.revokedAt} is not null`),
  ],
);

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    /** SHA-256 of the opaque token, hex; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    /** Set when this token was exchanged; a later use past the grace window is reuse. */
    rotatedAt: ts('rotated_at'),
  },
  (t) => [uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash), index('refresh_tokens_session_idx').on(t.sessionId)],
);

export const signingKeys = pgTable('signing_keys', {
  kid: text('kid').primaryKey(),
  algorithm: text('algorithm').notNull(),
  privateKey: text('private_key').notNull(),
  publicJwk: jsonb('public_jwk').$type<Record<string, unknown>>().notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** Set when a newer key took over signing; still verifies until its tokens expire. */
  retiredAt: ts('retired_at'),
});

export const personalAccessTokens = pgTable(
  'personal_access_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at'),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('pat_hash_key').on(t.tokenHash), index('pat_user_idx').on(t.userId)],
);

/** Security audit trail. Never holds a password, token or cookie. */
export const authEvents = pgTable(
  'auth_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    ip: inet('ip'),
    userAgent: text('user_agent'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('auth_events_user_idx').on(t.userId, t.createdAt)],
);

export const TASK_PRIORITIES = ['low', 'medium', 'high'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/**
 * Tasks belong to exactly one user. Every list index leads with owner_id, so a
 * user's list is an index range scan whatever the table size.
 */
export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description'),
    completed: boolean('completed').notNull().default(false),
    priority: text('priority').$type<TaskPriority>().notNull().default('medium'),
    /** low=1, medium=2, high=3: sorts by importance, not alphabetically. */
    priorityRank: smallint('priority_rank')
      .notNull()
      .generatedAlwaysAs(sql`case priority when 'low' then 1 when 'high' then 3 else 2 end`),
    dueDate: date('due_date', { mode: 'string' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    completedAt: ts('completed_at'),
  },
  (t) => [
    check('tasks_priority_check', sql`${t.priority} in ('low', 'medium', 'high')`),
    index('tasks_owner_created_idx').on(t.ownerId, t.createdAt, t.id),
    index('tasks_owner_updated_idx').on(t.ownerId, t.updatedAt, t.id),
    // Titles sort case-insensitively; a missing due date sorts as 'infinity' (last
    // ascending). Non-null keys let keyset pagination use plain row comparisons.
    index('tasks_owner_title_idx').on(t.ownerId, sql`lower(${t.title})`, t.id),
    index('tasks_owner_due_idx').on(t.ownerId, sql`coalesce(${t.dueDate}, 'infinity'::date)`, t.id),
    index('tasks_owner_priority_idx').on(t.ownerId, t.priorityRank, t.id),
    index('tasks_owner_completed_idx').on(t.ownerId, t.completed, t.createdAt, t.id),
    // Search (`ilike '%word%'` on title or description) through trigrams: the index
    // finds candidate rows, PostgreSQL rechecks the ILIKE itself (decision 008).
    index('tasks_title_trgm_idx').using('gin', t.title.op('gin_trgm_ops')),
    index('tasks_description_trgm_idx').using('gin', t.description.op('gin_trgm_ops')),
  ],
);

/**
 * How many tasks each user has, kept by triggers on tasks in the same transaction
 * as every insert, delete and completion change (migration 0004, decision 007):
 * the list's counts are one row read, whatever the number of tasks. A user with
 * no tasks yet may have no row (counts are 0).
 */
export const taskCounts = pgTable('task_counts', {
  ownerId: uuid('owner_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  total: integer('total').notNull().default(0),
  completed: integer('completed').notNull().default(0),
});

export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('conversations_user_idx').on(t.userId, t.updatedAt)],
);

export interface StoredToolCall {
  tool_name: string;
  arguments: Record<string, unknown>;
  result: unknown;
}

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** Denormalised owner: every read filters by it, as for tasks. */
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<'user' | 'assistant'>().notNull(),
    content: text('content').notNull(),
    toolCalls: jsonb('tool_calls').$type<StoredToolCall[]>(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('messages_role_check', sql`${t.role} in ('user', 'assistant')`),
    index('messages_conversation_idx').on(t.conversationId, t.createdAt),
  ],
);
