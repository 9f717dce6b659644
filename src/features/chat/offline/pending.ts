import type { ListedTask } from '../../tools/task-tools.js';
import { addTasks } from './compose.js';
import { applyTo } from './handlers.js';
import type { Pending } from './memo.js';
import { matchTitle, parseRef } from './references.js';
import { replies } from './replies.js';
import { cleanTitle } from './slots.js';
import { allTasks, type Turn } from './turn.js';

/**
 * Answers to the assistant's own question ("the first one", "team meeting",
 * "both", "as one", "never mind"). Null when the message is not an answer, so
 * it is read as a new request instead.
 */
export async function answerPending(turn: Turn, pending: Pending, text: string): Promise<string | null> {
  const t = text.toLowerCase().trim();
  if (/^(?:never ?mind|cancel|no|nope|forget it|neither|none|stop|leave it)\b/.test(t)) return replies.cancelled();
  if (pending.kind === 'add-title') {
    const title = cleanTitle(text);
    return title ? addTasks(turn, [{ title }]) : null;
  }
  if (pending.kind === 'add-split') {
    if (/^(?:(?:as )?one|one task|a single|single|together|keep it together|1)\b/.test(t)) {
      return addTasks(turn, [{ title: pending.whole, ...pending.fields }]);
    }
    if (/^(?:(?:as )?two|separately|separate|split|both|(?:as )?\d+ tasks|2)\b/.test(t)) {
      return addTasks(
        turn,
        pending.parts.map((title) => ({ title, ...pending.fields })),
      );
    }
    return null;
  }
  const tasks = await allTasks(turn);
  const candidates = pending.candidates
    .map((c) => tasks.find((x) => x.id === c.id))
    .filter((x): x is ListedTask => x !== undefined);
  if (candidates.length === 0) return replies.gone();
  let chosen: ListedTask[] = [];
  if (/^(?:both|all|all of them|both of them|each|every one)\b/.test(t)) chosen = candidates;
  else {
    const ref = parseRef(text.replace(/^(?:the one (?:about|with|for|called|named)|one (?:about|with|for))\s+/i, ''));
    if (ref?.kind === 'number') {
      const pick = candidates[ref.n === -1 ? candidates.length - 1 : ref.n - 1];
      if (pick) chosen = [pick];
    } else if (ref?.kind === 'words') {
      const m = matchTitle(ref.text, candidates);
      if (m.kind === 'found') chosen = [m.task];
    }
  }
  if (chosen.length === 0) return null;
  turn.memo.others = candidates.filter((c) => !chosen.includes(c)).map((c) => ({ id: c.id, title: c.title }));
  return applyTo(turn, chosen, pending.action);
}
