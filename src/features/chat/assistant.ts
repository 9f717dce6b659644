import type { StoredToolCall } from '../../db/schema.js';
import type { AnyTaskTool, ToolContext } from '../tools/task-tools.js';

/** A past message of the conversation, as the assistant sees it. */
export interface HistoryMessage {
  role: 'user' | 'assistant';
  content: string;
  toolCalls: StoredToolCall[] | null;
  /** The LLM assistant's stored items of this message (messages.llm_items), if any. */
  llmItems?: unknown[] | null;
}

export interface AssistantTurn {
  /** Earlier messages of this conversation, oldest first, without the new one. */
  history: HistoryMessage[];
  message: string;
  ctx: ToolContext;
  /** The user's IANA time zone, for "today" in prompts (UTC until profiles have one). */
  timeZone?: string;
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
