import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { authEvents } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';

export type AuthEventType =
  | 'register'
  | 'login_ok'
  | 'login_failed'
  | 'refresh_reuse_detected'
  | 'logout'
  | 'logout_all'
  | 'password_changed'
  | 'session_revoked'
  | 'token_created'
  | 'token_revoked'
  // Emailed links (SPEC §3.8):
  | 'password_reset_requested'
  | 'password_reset'
  | 'email_verified'
  | 'email_change_requested'
  | 'email_changed'
  // OAuth clients of the MCP endpoint (SPEC §3.10):
  | 'oauth_app_connected'
  | 'oauth_app_revoked'
  | 'oauth_code_reused'
  | 'oauth_refresh_reuse_detected'
  // Second factors (SPEC §3.9):
  | 'login_mfa_required'
  | 'mfa_failed'
  | 'mfa_totp_setup_started'
  | 'mfa_totp_enabled'
  | 'mfa_totp_disabled'
  | 'mfa_recovery_codes_regenerated'
  | 'mfa_recovery_code_used'
  | 'mfa_reset'
  // Administrators, through the CLI:
  | 'admin_user_created'
  | 'admin_user_enabled'
  | 'admin_user_disabled'
  | 'admin_sessions_revoked'
  | 'admin_key_rotated'
  | 'admin_invite_created'
  | 'admin_reset_link_created'
  // Passkeys (SPEC §3.9):
  | 'passkey_registered'
  | 'passkey_renamed'
  | 'passkey_deleted'
  | 'passkey_login'
  | 'passkey_counter_regression';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

/** recordEvent bound to a database and a clock, as services take it. */
export type RecordEvent = (
  type: AuthEventType,
  userId: string | null,
  meta: RequestMeta,
  detail?: Record<string, unknown>,
) => Promise<unknown>;

/** recordEvent over `db`, stamped with `clock`'s time: the one RecordEvent every service is given. */
export function eventRecorder(db: Db, clock: Clock): RecordEvent {
  return (type, userId, meta, detail) =>
    recordEvent(db, { type, userId, meta, at: new Date(clock.now()), ...(detail ? { detail } : {}) });
}

/** Appends to the audit trail. Callers pass ids and reasons, never secrets. */
export async function recordEvent(
  db: Db,
  event: { type: AuthEventType; userId: string | null; meta: RequestMeta; at: Date; detail?: Record<string, unknown> },
) {
  await db.insert(authEvents).values({
    type: event.type,
    userId: event.userId,
    ip: event.meta.ip,
    userAgent: event.meta.userAgent,
    detail: event.detail ?? null,
    createdAt: event.at,
  });
}

/**
 * The same row as recordEvent, as an INSERT to embed in a larger statement (a
 * sign-in writes its event, the session and its first refresh token in one round
 * trip: src/features/auth/sessions.ts).
 */
export function eventInsert(event: {
  type: AuthEventType;
  userId: string | null;
  meta: RequestMeta;
  at: Date;
  detail?: Record<string, unknown> | undefined;
}): SQL {
  const detail = event.detail ? JSON.stringify(event.detail) : null;
  return sql`insert into ${authEvents} (user_id, type, ip, user_agent, detail, created_at)
    values (${event.userId}, ${event.type}, ${event.meta.ip}::inet, ${event.meta.userAgent}, ${detail}::jsonb,
            ${event.at.toISOString()}::timestamptz)`;
}
