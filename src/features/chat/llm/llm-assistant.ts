import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool, user as userItem } from '@openai/agents';
import OpenAI from 'openai';
import { ALL_TOOLS, type ToolContext } from '../../tools/task-tools.js';
import type { Assistant, AssistantReply, AssistantTurn } from '../assistant.js';
import { classifyError, describeError, type Failure, failureMessage } from './llm-failures.js';
import { replayItems } from './llm-history.js';
import { frameTaskData, systemPrompt } from './llm-prompt.js';
import { deadlineRetryPolicy } from './llm-retry.js';
import { createTurnRecorder, type TurnRecorder } from './llm-turn.js';

/**
 * The LLM assistant: the OpenAI Agents SDK in Chat Completions mode, so any
 * OpenAI-compatible server works (OPENAI_BASE_URL), always streaming so the
 * reply reaches the browser as it is written. It reaches data only through the
 * shared task tools, bound to the authenticated user for this one turn.
 *
 * One deadline (OPENAI_TIMEOUT) bounds the whole turn: model calls, retries and
 * tools. A turn that ends early (deadline, stop button, provider failure) still
 * returns, and so stores, the text shown so far and every write that completed.
 */

export interface LlmOptions {
  apiKey: string;
  baseUrl: string | undefined;
  model: string;
  /** Whole-turn budget in ms, retries included (OPENAI_TIMEOUT). */
  timeoutMs?: number;
  log: { error(obj: unknown, msg: string): void };
}

/** Model calls per turn: enough for list → change → confirm several times, bounded for cost. */
export const MAX_STEPS = 10;

/** Two empty answers in a row end the turn (the SDK asks again after the first). */
const EMPTY_ANSWERS_ALLOWED = 2;

/** The five tools as @openai/agents function tools, acting as ctx's user; results reach the model framed as data. */
function agentTools(ctx: ToolContext, recorder: TurnRecorder) {
  return ALL_TOOLS.map((t) =>
    tool({
      name: t.name,
      description: t.description,
      parameters: t.input,
      execute: (input, _runContext, details) =>
        recorder.execute(details?.toolCall?.callId, async () => {
          const args = input as Record<string, unknown>;
          const result = await t.execute(ctx, args);
          return {
            call: { tool_name: t.name, arguments: args, result: result.output },
            output: frameTaskData(result.output),
          };
        }),
    }),
  );
}

export function createLlmAssistant(options: LlmOptions): Assistant {
  const timeoutMs = options.timeoutMs ?? 60_000;
  // No traces leave the process: the only network peer is the configured model endpoint.
  setTracingDisabled(true);
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    timeout: timeoutMs,
    // Retries are the runner's (deadlineRetryPolicy), which knows the turn's deadline.
    maxRetries: 0,
  });
  const runner = new Runner({
    modelProvider: new OpenAIProvider({ openAIClient: client, useResponses: false }),
    model: options.model,
    tracingDisabled: true,
    traceIncludeSensitiveData: false,
  });

  async function run(turn: AssistantTurn, recorder: TurnRecorder, signals: TurnSignals): Promise<Failure | null> {
    const agent = new Agent({
      name: 'Tasktalk',
      instructions: systemPrompt(turn.ctx),
      tools: agentTools(turn.ctx, recorder),
      modelSettings: {
        retry: {
          maxRetries: 3,
          policy: deadlineRetryPolicy({
            deadlineAt: signals.deadlineAt,
            timeoutMs,
            onWait: (ms, status) =>
              turn.onStatus?.(
                status === 429
                  ? `The language model is busy; trying again in ${Math.ceil(ms / 1000)} s…`
                  : `The language model did not answer; trying again in ${Math.ceil(ms / 1000)} s…`,
              ),
          }),
        },
      },
    });
    const input = [...replayItems(turn.history), userItem(turn.message)];
    const result = await runner.run(agent, input, { stream: true, maxTurns: MAX_STEPS, signal: signals.signal });
    for await (const event of result) {
      if (recorder.observe(event).emptyStreak >= EMPTY_ANSWERS_ALLOWED) {
        signals.endEmpty();
        break;
      }
    }
    if (signals.signal.aborted) return signals.why();
    await result.completed;
    return recorder.text().trim() === '' ? { kind: 'empty' } : null;
  }

  return {
    kind: 'llm',
    async reply(turn): Promise<AssistantReply> {
      const recorder = createTurnRecorder({ onDelta: turn.onDelta, onToolCall: turn.onToolCall });
      const signals = turnSignals(timeoutMs, turn.signal);
      let failure: Failure | null;
      let cause: unknown;
      try {
        failure = await run(turn, recorder, signals);
      } catch (err) {
        cause = err;
        failure = signals.signal.aborted ? signals.why() : classifyError(err);
      } finally {
        signals.dispose();
      }
      // A write the model started before the abort still finishes: wait, then report it.
      await recorder.settled();
      if (failure && failure.kind !== 'stopped') {
        // The real cause for operators; the user gets a plain sentence (SPEC §3.5).
        options.log.error(
          {
            llm: { outcome: failure.kind, toolCalls: recorder.toolCalls().length },
            ...(cause !== undefined ? { cause: describeError(cause, options.apiKey) } : {}),
          },
          `assistant turn failed: ${failure.kind}`,
        );
      }
      const turnRecord = recorder.finish(
        failure ? failureMessage(failure, recorder.toolCalls(), timeoutMs) : undefined,
      );
      return { response: turnRecord.response, toolCalls: turnRecord.toolCalls, llmItems: turnRecord.items };
    },
  };
}

interface TurnSignals {
  signal: AbortSignal;
  deadlineAt: number;
  /** Ends the turn because the model keeps answering with nothing. */
  endEmpty(): void;
  /** Which of the reasons ended the turn: the client, the deadline, or empty answers. */
  why(): Failure;
  dispose(): void;
}

/** One signal for the turn, aborted by the client, the deadline or an empty-answer streak. */
function turnSignals(timeoutMs: number, client: AbortSignal | undefined): TurnSignals {
  const deadlineAt = Date.now() + timeoutMs;
  const deadline = new AbortController();
  const empty = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error('OPENAI_TIMEOUT reached')), timeoutMs);
  const signal = AbortSignal.any([deadline.signal, empty.signal, ...(client ? [client] : [])]);
  return {
    signal,
    deadlineAt,
    endEmpty: () => empty.abort(new Error('empty answers')),
    why: () =>
      client?.aborted ? { kind: 'stopped' } : empty.signal.aborted ? { kind: 'empty' } : { kind: 'timed_out' },
    dispose: () => clearTimeout(timer),
  };
}
