import type { StoredToolCall } from '../../db/schema.js';
import { dateContext } from '../../lib/time-zone.js';
import type { AnyTaskTool, ToolContext } from '../tools/task-tools.js';

/** A past message of the conversation, as the assistant sees it. */
export interface HistoryMessage {
  role: 'user' | 'assistant';
  content: string;
  toolCalls: StoredToolCall[] | null;
  /** The LLM assistant's stored items of this message (messages.llm_items), if any. */
  llmItems?: unknown[] | null;
  /** What the offline assistant stored with its reply (null for other messages). */
  offlineMemo?: Record<string, unknown> | null;
}

export interface AssistantTurn {
  /** Earlier messages of this conversation, oldest first, without the new one. */
  history: HistoryMessage[];
  message: string;
  ctx: ToolContext;
  /** Aborted when the client goes away (the stop button): the turn ends and keeps what it did. */
  signal?: AbortSignal;
  /** Text as it is written, for streaming. The concatenated pieces equal the final response. */
  onDelta?: (text: string) => void;
  /** Each tool call once it has run. */
  onToolCall?: (call: StoredToolCall) => void;
  /** Progress worth showing while nothing streams (e.g. waiting out a rate limit). */
  onStatus?: (text: string) => void;
}

export interface AssistantReply {
  response: string;
  toolCalls: StoredToolCall[];
  /** The LLM assistant's turn as Agents SDK items, stored for replay (messages.llm_items). */
  llmItems?: unknown[];
  /** The offline assistant's conversation memory for this turn, stored beside the message. */
  offlineMemo?: Record<string, unknown>;
}

/** The offline assistant and the LLM assistant answer through the same shape. */
export interface Assistant {
  kind: 'offline' | 'llm';
  reply(turn: AssistantTurn): Promise<AssistantReply>;
}

/** Runs a tool as ctx's user and records the call as the API reports it. */
export async function callTool(
  tool: AnyTaskTool,
  ctx: ToolContext,
  args: Record<string, unknown>,
  calls: StoredToolCall[],
) {
  const result = await tool.execute(ctx, args);
  calls.push({ tool_name: tool.name, arguments: args, result: result.output });
  return result;
}

/**
 * The user's "today" for an LLM's instructions (SPEC §3.5: dates are the
 * user's): local day, weekday, time and IANA zone of this turn.
 */
export function dateInstructions(ctx: Pick<ToolContext, 'now' | 'timeZone'>): string {
  const d = dateContext(ctx.now, ctx.timeZone);
  return (
    `Today is ${d.weekday} ${d.today}, ${d.local_time} in the user's time zone (${d.time_zone}). ` +
    'Resolve relative dates ("tomorrow", "next Friday", "end of the month") in that zone and pass due dates as YYYY-MM-DD; ' +
    'list_tasks due=today/overdue/this_week already counts days in that zone.'
  );
}
