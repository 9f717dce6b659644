import {
  Agent,
  type AgentInputItem,
  assistant as assistantItem,
  OpenAIProvider,
  Runner,
  setTracingDisabled,
  tool,
  user as userItem,
} from '@openai/agents';
import OpenAI from 'openai';
import type { StoredToolCall } from '../../db/schema.js';
import { ALL_TOOLS, type ToolContext } from '../tools/task-tools.js';
import { type Assistant, type AssistantReply, callTool, dateInstructions, type HistoryMessage } from './assistant.js';

/**
 * The LLM assistant: the OpenAI Agents SDK in Chat Completions mode, so any
 * OpenAI-compatible server works (OPENAI_BASE_URL). It reaches data only through
 * the shared task tools, bound to the authenticated user for this one turn.
 */

export const SYSTEM_PROMPT = `You are Tasktalk, a friendly assistant that manages the user's todo list.
Rules:
- You can only read and change tasks through the tools add_task, list_tasks, complete_task, update_task and delete_task. Never claim to have done something you did not do with a tool.
- After every change, confirm what you did in one short, friendly sentence that names the task.
- Tasks are identified by task_id. When the user names a task by title or by its number in a list, call list_tasks first to find its id.
- If a reference matches more than one task, ask which one, listing the candidates; change nothing until the user answers.
- If a reference matches no task, say so and show the user's tasks.
- Never show ids, tool names, JSON, error codes or technical details to the user.
- Keep answers short. Use plain text; number lists 1., 2., 3.`;

export interface LlmOptions {
  apiKey: string;
  baseUrl: string | undefined;
  model: string;
  /** Whole-turn budget, model calls and tools together. */
  timeoutMs?: number;
  log: { error(obj: unknown, msg: string): void };
}

export const FRIENDLY_FAILURE =
  'Sorry, I can’t reach my language model right now. Your message is saved; please try again in a moment.';

function historyItems(history: HistoryMessage[]): AgentInputItem[] {
  return history
    .filter((m) => m.content.trim() !== '')
    .map((m) => (m.role === 'user' ? userItem(m.content) : assistantItem(m.content)));
}

/** The five tools as @openai/agents function tools, acting as ctx's user and recording every call. */
function agentTools(ctx: ToolContext, calls: StoredToolCall[]) {
  return ALL_TOOLS.map((t) =>
    tool({
      name: t.name,
      description: t.description,
      parameters: t.input,
      execute: async (input) => {
        const result = await callTool(t, ctx, input as Record<string, unknown>, calls);
        return JSON.stringify(result.output);
      },
    }),
  );
}

export function createLlmAssistant(options: LlmOptions): Assistant {
  const timeoutMs = options.timeoutMs ?? 30_000;
  // No traces leave the process: the only network peer is the configured model endpoint.
  setTracingDisabled(true);
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    timeout: timeoutMs,
    maxRetries: 1,
  });
  const runner = new Runner({
    modelProvider: new OpenAIProvider({ openAIClient: client, useResponses: false }),
    model: options.model,
    tracingDisabled: true,
    traceIncludeSensitiveData: false,
  });

  return {
    kind: 'llm',
    async reply({ history, message, ctx }): Promise<AssistantReply> {
      const calls: StoredToolCall[] = [];
      const instructions = `${SYSTEM_PROMPT}\n${dateInstructions(ctx)}`;
      const agent = new Agent({ name: 'Tasktalk', instructions, tools: agentTools(ctx, calls) });
      try {
        const result = await runner.run(agent, [...historyItems(history), userItem(message)], {
          maxTurns: 8,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = typeof result.finalOutput === 'string' ? result.finalOutput.trim() : '';
        return { response: text || 'Done.', toolCalls: calls };
      } catch (err) {
        // The provider's error stays in the log; the user gets a plain sentence (SPEC §3.5).
        options.log.error({ err, toolCalls: calls.length }, 'assistant model call failed');
        const response =
          calls.length > 0
            ? `${FRIENDLY_FAILURE} (Some changes were already made: check your task list.)`
            : FRIENDLY_FAILURE;
        return { response, toolCalls: calls };
      }
    },
  };
}
