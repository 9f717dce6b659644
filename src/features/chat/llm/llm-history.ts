import { type AgentInputItem, assistant as assistantItem, protocol, user as userItem } from '@openai/agents';
import type { HistoryMessage } from '../assistant.js';

/**
 * The conversation as the model sees it on the next turn. An assistant message
 * of the LLM assistant is replayed as the Agents SDK items it stored (its
 * function_call and function_call_result items, then its text), so the model
 * knows which changes already happened: "please try again" after a failure
 * that followed a write does not write twice (SPEC §3.5). Older messages (the
 * offline assistant's, or any whose items do not parse) are replayed as text.
 *
 * Bounded: at most REPLAY_MESSAGES messages and REPLAY_CHARS characters of
 * serialised items, newest first, whole messages only, so a call and its
 * result are always replayed together (providers reject a lone tool result).
 */

export const REPLAY_MESSAGES = 20;
export const REPLAY_CHARS = 40_000;

export type StoredLlmItem = protocol.FunctionCallItem | protocol.FunctionCallResultItem | protocol.AssistantMessageItem;

/** Only the kinds the assistant itself stores, checked with the SDK's own schemas. */
function parseItem(raw: unknown): StoredLlmItem | null {
  for (const schema of [protocol.FunctionCallItem, protocol.FunctionCallResultItem, protocol.AssistantMessageItem]) {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
  }
  return null;
}

/** Stored items as SDK input, or null when any item is unreadable or a call lacks its result. */
export function parseStoredItems(raw: unknown[] | null): StoredLlmItem[] | null {
  if (!raw || raw.length === 0) return null;
  const items: StoredLlmItem[] = [];
  for (const r of raw) {
    const item = parseItem(r);
    if (!item) return null;
    items.push(item);
  }
  const calls = new Set(items.flatMap((i) => (i.type === 'function_call' ? [i.callId] : [])));
  const results = new Set(items.flatMap((i) => (i.type === 'function_call_result' ? [i.callId] : [])));
  if (calls.size !== results.size || [...calls].some((id) => !results.has(id))) return null;
  return items;
}

function messageItems(message: HistoryMessage): AgentInputItem[] {
  if (message.role === 'user') return [userItem(message.content)];
  const stored = parseStoredItems(message.llmItems ?? null);
  if (stored) return stored;
  return message.content.trim() === '' ? [] : [assistantItem(message.content)];
}

/** The newest messages that fit the bounds, oldest first, starting with a user message. */
export function replayItems(history: HistoryMessage[]): AgentInputItem[] {
  const kept: AgentInputItem[][] = [];
  let chars = 0;
  for (let i = history.length - 1; i >= 0 && kept.length < REPLAY_MESSAGES; i--) {
    const message = history[i] as HistoryMessage;
    const items = messageItems(message);
    chars += JSON.stringify(items).length;
    if (chars > REPLAY_CHARS && kept.length > 0) break;
    kept.unshift(items);
  }
  // Open on a user message, so the replay never starts in the middle of a turn.
  const firstUser = history.length - kept.length;
  let start = 0;
  while (start < kept.length && history[firstUser + start]?.role !== 'user') start++;
  return kept.slice(start).flat();
}
