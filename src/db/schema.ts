import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  inet,
  integer,
  jsonb,
  pgTable,
  primaryKey,
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
    /** IANA zone (e.g. Europe/Berlin) in which the user's relative dates resolve; null until set. */
    timeZone: text('time_zone'),
    /** When the current email address was proved by a link sent to it (SPEC §3.8); null until then. */
    emailVerifiedAt: ts('email_verified_at'),
    /**
     * An authenticator app is enabled (SPEC §3.1 `mfa_enabled`): kept by a trigger
     * on mfa_totp (migration 0018), so no write path can forget it.
     */
    mfaEnabled: boolean('mfa_enabled').notNull().default(false),
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
    /** How the session signed in: RFC 8176 authentication method references (pwd, otp, hwk, swk, mfa). */
    amr: text('amr').array().notNull().default(sql`'{pwd}'::text[]`),
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
    /** The token this one was exchanged for: a repeat inside the grace window gets it back (RFC 9700 §4.14). */
    successorId: uuid('successor_id'),
    /**
     * The successor's secret sealed (AES-256-GCM) under a key derived from this token,
     * so only a holder of this token can read it back (docs/decisions/003).
     */
    successorSealed: text('successor_sealed'),
  },
  (t) => [uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash), index('refresh_tokens_session_idx').on(t.sessionId)],
);

/**
 * Session revocations that outlive their session rows. Deleting a user removes its
 * sessions by cascade, yet instances that learn of revocations from the database
 * (PostgreSQL without Redis, or one starting later) must still deny their access
 * tokens. No foreign key, on purpose; rows older than a day are pruned.
 */
export const sessionRevocations = pgTable(
  'session_revocations',
  {
    sessionId: uuid('session_id').primaryKey(),
    revokedAt: ts('revoked_at').notNull(),
  },
  (t) => [index('session_revocations_revoked_idx').on(t.revokedAt)],
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

/**
 * Browsers that have signed in to an account, known by their device cookie
 * (src/features/auth/devices.ts): a correct password from one is not refused by
 * the per-account failure budget (SPEC §3.3). One browser has one cookie for every
 * account it signs in to; only its SHA-256 is stored.
 */
export const knownDevices = pgTable(
  'known_devices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    userAgent: text('user_agent'),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('known_devices_user_token_key').on(t.userId, t.tokenHash)],
);

/**
 * Emailed links (SPEC §3.8): password reset, email verification, email change,
 * invitations (src/features/links/link-tokens.ts). Only the SHA-256 of each
 * 256-bit token is stored. `subject` is the user id, or the address for an
 * invitation: one pending link per (purpose, subject), so the newest replaces
 * older ones. A used link is deleted in the statement that accepts it.
 */
export const linkTokens = pgTable(
  'link_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    purpose: text('purpose').notNull(),
    subject: text('subject').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** The address the link was sent to: for email change the new one, for an invitation the invitee's. */
    email: text('email').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [
    uniqueIndex('link_tokens_hash_key').on(t.tokenHash),
    uniqueIndex('link_tokens_subject_key').on(t.purpose, t.subject),
    index('link_tokens_expiry_idx').on(t.expiresAt),
  ],
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
    // finds candidate rows, PostgreSQL rechecks the ILIKE itself (decision 012).
    index('tasks_title_trgm_idx').using('gin', t.title.op('gin_trgm_ops')),
    index('tasks_description_trgm_idx').using('gin', t.description.op('gin_trgm_ops')),
  ],
);

/**
 * How many tasks each user has, kept by triggers on tasks in the same transaction
 * as every insert, delete and completion change (migration 0011, decision 011):
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
    /**
     * The LLM assistant's own record of its turn, as Agents SDK input items
     * (function_call, function_call_result, message), replayed to the model next turn.
     */
    llmItems: jsonb('llm_items').$type<unknown[]>(),
    /** The offline assistant's memory of this turn (what it showed, asked, and how to undo it). */
    offlineMemo: jsonb('offline_memo').$type<Record<string, unknown>>(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('messages_role_check', sql`${t.role} in ('user', 'assistant')`),
    index('messages_conversation_idx').on(t.conversationId, t.createdAt),
  ],
);

/**
 * OAuth clients of the MCP authorization server (SPEC §3.10): registered with
 * RFC 7591, or known by a Client ID Metadata Document (then `client_id` is its
 * https URL and the row keeps what the document said, for the consent and
 * "Connected apps" pages). Public clients only: no secrets.
 */
export const oauthClients = pgTable(
  'oauth_clients',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientId: text('client_id').notNull(),
    kind: text('kind').$type<'registered' | 'metadata_document'>().notNull(),
    name: text('name'),
    clientUri: text('client_uri'),
    redirectUris: text('redirect_uris').array().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** First authorization; a registration still unused after a day is deleted. */
    firstUsedAt: ts('first_used_at'),
  },
  (t) => [
    uniqueIndex('oauth_clients_client_id_key').on(t.clientId),
    check('oauth_clients_kind_check', sql`${t.kind} in ('registered', 'metadata_document')`),
    index('oauth_clients_unused_idx').on(t.createdAt).where(sql`${t.firstUsedAt} is null`),
  ],
);

/**
 * One authorization request, from /oauth/authorize through consent to the code
 * exchange. The code is stored only as its SHA-256; `grant_id` records what the
 * code minted, so a second use can revoke it (OAuth 2.1 §4.1.3).
 */
export const oauthAuthorizations = pgTable(
  'oauth_authorizations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientPk: uuid('client_pk')
      .notNull()
      .references(() => oauthClients.id, { onDelete: 'cascade' }),
    redirectUri: text('redirect_uri').notNull(),
    /** Whether the request named its redirect_uri (then the token request must repeat it). */
    redirectUriGiven: boolean('redirect_uri_given').notNull(),
    scopes: text('scopes').array().notNull(),
    state: text('state'),
    codeChallenge: text('code_challenge').notNull(),
    resource: text('resource').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** The consent step must happen before this. */
    expiresAt: ts('expires_at').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    decidedAt: ts('decided_at'),
    codeHash: text('code_hash'),
    codeExpiresAt: ts('code_expires_at'),
    consumedAt: ts('consumed_at'),
    grantId: uuid('grant_id'),
  },
  (t) => [
    uniqueIndex('oauth_authorizations_code_key').on(t.codeHash),
    index('oauth_authorizations_expiry_idx').on(t.expiresAt),
  ],
);

/**
 * A grant is what one code exchange created: the `sid` of its access tokens (so
 * the revocation deny-list covers it) and the owner of one refresh-token chain.
 */
export const oauthGrants = pgTable(
  'oauth_grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientPk: uuid('client_pk')
      .notNull()
      .references(() => oauthClients.id, { onDelete: 'cascade' }),
    scopes: text('scopes').array().notNull(),
    resource: text('resource').notNull(),
    /** Key of the HMAC that derives each refresh token's successor (never leaves the server). */
    refreshSecret: text('refresh_secret').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastUsedAt: ts('last_used_at').notNull().defaultNow(),
    /** Absolute lifetime (SESSION_MAX_AGE): rotation never extends it. */
    expiresAt: ts('expires_at').notNull(),
    revokedAt: ts('revoked_at'),
    revokedReason: text('revoked_reason'),
  },
  (t) => [
    index('oauth_grants_user_idx').on(t.userId, t.clientPk),
    index('oauth_grants_revoked_idx').on(t.revokedAt).where(sql`${t.revokedAt} is not null`),
  ],
);

export const oauthRefreshTokens = pgTable(
  'oauth_refresh_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    grantId: uuid('grant_id')
      .notNull()
      .references(() => oauthGrants.id, { onDelete: 'cascade' }),
    /** SHA-256 of the opaque token, hex. */
    tokenHash: text('token_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    rotatedAt: ts('rotated_at'),
  },
  (t) => [
    uniqueIndex('oauth_refresh_tokens_hash_key').on(t.tokenHash),
    index('oauth_refresh_tokens_grant_idx').on(t.grantId),
  ],
);

/** A remembered approval: this user let this client have exactly these scopes. */
export const oauthConsents = pgTable(
  'oauth_consents',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientPk: uuid('client_pk')
      .notNull()
      .references(() => oauthClients.id, { onDelete: 'cascade' }),
    /** The sorted scopes, space-separated. */
    scope: text('scope').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.clientPk, t.scope] })],
);

/**
 * A user's authenticator app (TOTP, RFC 6238; src/features/mfa/). The shared
 * secret is stored only encrypted (AES-256-GCM, `secret_encrypted` =
 * `v1.<key id>.<iv>.<tag>.<ciphertext>`, base64url parts). `enabled_at` null: a
 * setup was started and not yet confirmed with a code. `last_step` is the RFC
 * 6238 time step of the last accepted code: a code of that step or an earlier one
 * is refused (each code is accepted once).
 */
export const mfaTotp = pgTable('mfa_totp', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secretEncrypted: text('secret_encrypted').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  enabledAt: ts('enabled_at'),
  lastStep: bigint('last_step', { mode: 'number' }),
});

/** Single-use recovery codes (SHA-256 of each; src/features/mfa/recovery-codes.ts). */
export const mfaRecoveryCodes = pgTable(
  'mfa_recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    usedAt: ts('used_at'),
  },
  (t) => [uniqueIndex('mfa_recovery_codes_user_hash_key').on(t.userId, t.codeHash)],
);

/**
 * The second step of a password sign-in (src/features/mfa/mfa-tokens.ts): an
 * opaque token, stored as its SHA-256, 5 minutes, deleted by the verify that uses it.
 * `password_fingerprint` ties it to the password that was checked: after a
 * password change or reset the token is dead.
 */
export const mfaTokens = pgTable(
  'mfa_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    passwordFingerprint: text('password_fingerprint').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('mfa_tokens_user_idx').on(t.userId), index('mfa_tokens_expiry_idx').on(t.expiresAt)],
);

/**
 * Data-encryption keys generated and kept by the app when MFA_ENCRYPTION_KEY is
 * not set (docs/decisions/015-second-factors.md). Never leaves the database.
 */
export const encryptionKeys = pgTable('encryption_keys', {
  id: text('id').primaryKey(),
  keyMaterial: text('key_material').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** Raw bytes (a COSE public key): Buffer from postgres.js, Uint8Array from PGlite. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * Passkeys: WebAuthn credentials registered by a user (SPEC §3.9,
 * src/features/passkeys/). `credential_id` is the credential's raw id, base64url;
 * `public_key` its COSE key. `sign_count` is the authenticator's signature
 * counter (WebAuthn L3 §6.1.1), kept to refuse one that goes backwards.
 */
export const passkeys = pgTable(
  'passkeys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    credentialId: text('credential_id').notNull(),
    publicKey: bytea('public_key').notNull(),
    signCount: bigint('sign_count', { mode: 'number' }).notNull().default(0),
    transports: text('transports').array().notNull().default(sql`'{}'::text[]`),
    /** singleDevice | multiDevice (the BE flag at registration). */
    deviceType: text('device_type').notNull(),
    /** The BS flag of the latest ceremony: the credential is synced to other devices. */
    backedUp: boolean('backed_up').notNull(),
    aaguid: text('aaguid'),
    name: text('name').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastUsedAt: ts('last_used_at'),
  },
  (t) => [uniqueIndex('passkeys_credential_id_key').on(t.credentialId), index('passkeys_user_idx').on(t.userId)],
);

/**
 * Outstanding WebAuthn challenges (SPEC §3.9): only the SHA-256 of each random
 * challenge is kept, bound to its purpose (register, login, step_up) and, except
 * for login, to the user. Single use (deleted by the statement that accepts it)
 * and five minutes long.
 */
export const webauthnChallenges = pgTable(
  'webauthn_challenges',
  {
    challengeHash: text('challenge_hash').primaryKey(),
    purpose: text('purpose').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('webauthn_challenges_expiry_idx').on(t.expiresAt)],
);
