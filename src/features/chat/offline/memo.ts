import type { HistoryMessage } from '../assistant.js';
import type { Priority } from './slots.js';

/**
 * The offline assistant's memory, stored with each of its replies
 * (messages.offline_memo) and read back from the conversation's history: the
 * server keeps no chat state between requests (SPEC §3.5).
 */

export interface ShownTask {
  id: string;
  title: string;
}

/** A change it made, as the tool call that reverses it. */
export type UndoStep =
  | { op: 'delete'; task_id: string; title: string }
  | {
      op: 'restore';
      title: string;
      description: string | null;
      priority: Priority;
      due_date: string | null;
      completed: boolean;
    }
  | { op: 'update'; task_id: string; title: string; fields: Record<string, unknown> };

/** What the user asked that still needs a decision, and what to do once decided. */
export type Action =
  | { kind: 'complete' | 'reopen' | 'delete' }
  | { kind: 'update'; fields: { title?: string; description?: string; priority?: Priority; due_date?: string | null } }
  | { kind: 'shift'; amount: string }
  | { kind: 'nudge'; direction: 'up' | 'down' };

export type Pending =
  | { kind: 'choose'; action: Action; candidates: ShownTask[] }
  | { kind: 'add-title' }
  | { kind: 'add-split'; whole: string; parts: string[]; fields: { priority?: Priority; due_date?: string } };

export type LastKind = 'add' | 'complete' | 'reopen' | 'delete' | 'update' | 'list';

export interface Memo {
  v: 1;
  /** The list this reply showed, in its numbering. */
  shown?: ShownTask[];
  /** Tasks this reply was about: what "it" means next. */
  focus?: ShownTask[];
  /** Candidates not chosen: what "the other one" means next. */
  others?: ShownTask[];
  last?: LastKind;
  /** The action behind `last`, for "and the groceries too". */
  lastAction?: Action;
  pending?: Pending;
  undo?: UndoStep[];
  /** This reply undid an earlier change. */
  undid?: boolean;
}

export interface Context {
  shown: ShownTask[] | null;
  focus: ShownTask[];
  others: ShownTask[];
  last: LastKind | null;
  lastAction: Action | null;
  /** Only the reply just before counts: a question not answered right away is dropped. */
  pending: Pending | null;
  /** The latest change not yet undone, for "undo". */
  undo: UndoStep[] | null;
}

const memoOf = (m: HistoryMessage): Memo | null =>
  m.role === 'assistant' && m.offlineMemo && (m.offlineMemo as { v?: unknown }).v === 1
    ? (m.offlineMemo as unknown as Memo)
    : null;

export function contextFrom(history: HistoryMessage[]): Context {
  const memos = history.map(memoOf).filter((m): m is Memo => m !== null);
  const latest = memos.at(-1) ?? null;
  const lastMessage = history.at(-1);
  const ctx: Context = {
    shown: memos.findLast((m) => m.shown)?.shown ?? null,
    focus: latest?.focus ?? [],
    others: latest?.others ?? [],
    last: latest?.last ?? null,
    lastAction: latest?.lastAction ?? null,
    pending: lastMessage && memoOf(lastMessage) ? (latest?.pending ?? null) : null,
    undo: null,
  };
  // Undo is a stack: each reply that undid something uses up the change before it.
  let toSkip = 0;
  for (let i = memos.length - 1; i >= 0; i--) {
    const m = memos[i] as Memo;
    if (m.undid) toSkip++;
    else if (m.undo && m.undo.length > 0) {
      if (toSkip === 0) {
        ctx.undo = m.undo;
        break;
      }
      toSkip--;
    }
  }
  return ctx;
}
