import type { RunStreamEvent } from '@openai/agents';
import type { StoredToolCall } from '../../../db/schema.js';
import type { StoredLlmItem } from './llm-history.js';

/**
 * What one LLM turn did, recorded as it happens: the text the user has seen
 * (every streamed piece), the tool calls that ran with their results, and the
 * same turn as Agents SDK items to replay next time. Built from the stream's
 * events and from the tool executions themselves, so a turn cut short (stop
 * button, deadline) still records every write that completed and nothing that
 * did not run.
 */

export interface TurnHooks {
  onDelta?: ((text: string) => void) | undefined;
  onToolCall?: ((call: StoredToolCall) => void) | undefined;
}

/** The reply of a finished (or interrupted) turn. */
export interface RecordedTurn {
  response: string;
  toolCalls: StoredToolCall[];
  items: StoredLlmItem[];
}

const INVALID_ARGUMENTS = {
  error: 'invalid_input',
  message: 'The arguments were not valid JSON for this tool.',
} as const;

/** An assistant text message as the SDK's protocol writes it (no undefined fields, so it stores as it replays). */
const assistantItem = (text: string): StoredLlmItem => ({
  type: 'message',
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text }],
});

function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  const text = (output as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text : JSON.stringify(output);
}

function messageText(item: { content?: unknown }): string {
  if (!Array.isArray(item.content)) return '';
  return item.content
    .map((part: { type?: unknown; text?: unknown }) =>
      part.type === 'output_text' && typeof part.text === 'string' ? part.text : '',
    )
    .join('');
}

export function createTurnRecorder(hooks: TurnHooks = {}) {
  /** Model output in order: text messages and function calls of each response. */
  const outputs: StoredLlmItem[] = [];
  const results = new Map<string, string>();
  const executed = new Set<string>();
  const calls: StoredToolCall[] = [];
  const pending = new Set<Promise<unknown>>();
  let shown = ''; // every piece of text sent to the user, separators included
  let segment = ''; // text of the response being streamed now
  let emptyStreak = 0;

  function addText(delta: string) {
    const piece = segment === '' && shown !== '' ? `\n\n${delta}` : delta;
    segment += delta;
    shown += piece;
    hooks.onDelta?.(piece);
  }

  function responseDone(output: Array<Record<string, unknown>>) {
    const text = output
      .filter((o) => o.type === 'message')
      .map(messageText)
      .join('');
    const functionCalls = output.filter((o) => o.type === 'function_call');
    if (text.trim() !== '') outputs.push(assistantItem(text));
    for (const call of functionCalls) {
      outputs.push({
        type: 'function_call',
        callId: String(call.callId),
        name: String(call.name),
        arguments: String(call.arguments ?? ''),
        status: 'completed',
      });
    }
    segment = '';
    emptyStreak = text.trim() === '' && functionCalls.length === 0 ? emptyStreak + 1 : 0;
  }

  return {
    /** Feeds one stream event; returns how many empty responses came in a row. */
    observe(event: RunStreamEvent): { emptyStreak: number } {
      if (event.type === 'raw_model_stream_event') {
        if (event.data.type === 'output_text_delta') addText(event.data.delta);
        if (event.data.type === 'response_done') {
          responseDone(event.data.response.output as unknown as Array<Record<string, unknown>>);
        }
      } else if (event.type === 'run_item_stream_event' && event.name === 'tool_output') {
        const raw = event.item.rawItem as { type?: string; callId?: string; name?: string; output?: unknown };
        if (raw.type === 'function_call_result' && raw.callId) {
          results.set(raw.callId, outputText(raw.output));
          // The SDK answers unparseable arguments itself, before any tool runs.
          if (!executed.has(raw.callId)) {
            const call = { tool_name: raw.name ?? 'unknown', arguments: {}, result: INVALID_ARGUMENTS };
            calls.push(call);
            hooks.onToolCall?.(call);
          }
        }
      }
      return { emptyStreak };
    },

    /** Runs one tool execution, recording it once it completes (even if the turn is aborted meanwhile). */
    execute(callId: string | undefined, run: () => Promise<{ call: StoredToolCall; output: string }>) {
      const promise = run().then(({ call, output }) => {
        if (callId) {
          executed.add(callId);
          results.set(callId, output);
        }
        calls.push(call);
        hooks.onToolCall?.(call);
        return output;
      });
      pending.add(promise);
      void promise.catch(() => undefined).finally(() => pending.delete(promise));
      return promise;
    },

    /** Waits for tool executions still running (an abort does not stop a database write). */
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },

    text: () => shown,
    toolCalls: () => calls,

    /**
     * The reply and its items. `note` (a failure or stop sentence) is appended to
     * what the user saw. Calls that never ran are left out; each call that ran is
     * followed by its result.
     */
    finish(note?: string): RecordedTurn {
      // The note reaches a streaming client too, so the deltas always add up to the response.
      if (note) hooks.onDelta?.(shown.trim() !== '' ? `\n\n${note}` : note);
      const items: StoredLlmItem[] = [];
      let block: string[] = [];
      const flushResults = () => {
        for (const callId of block) {
          const output = results.get(callId);
          const call = outputs.find((o) => o.type === 'function_call' && o.callId === callId);
          if (output === undefined || call?.type !== 'function_call') continue;
          items.push({ type: 'function_call_result', callId, name: call.name, status: 'completed', output });
        }
        block = [];
      };
      for (const item of outputs) {
        if (item.type === 'function_call') {
          if (!results.has(item.callId)) continue;
          items.push(item);
          block.push(item.callId);
        } else {
          flushResults();
          items.push(item);
        }
      }
      flushResults();
      const tail = [segment, note ?? ''].filter((s) => s.trim() !== '').join('\n\n');
      if (tail !== '') items.push(assistantItem(tail));
      const response = [shown, note ?? ''].filter((s) => s.trim() !== '').join('\n\n');
      return { response, toolCalls: calls, items };
    },
  };
}

export type TurnRecorder = ReturnType<typeof createTurnRecorder>;
