import type { ToolContext } from '../../tools/task-tools.js';
import type { Assistant, AssistantReply } from '../assistant.js';
import { addTasks, LIST_WORDS, listTasks, readNewTasks } from './compose.js';
import { parseDate } from './dates.js';
import { act, actionOf, undo } from './handlers.js';
import { correctVerb, type Match, matchIntent } from './intents.js';
import { type Context, contextFrom } from './memo.js';
import { answerPending } from './pending.js';
import { matchTitle, parseRef } from './references.js';
import { replies } from './replies.js';
import { priorityWord } from './slots.js';
import { clauses, isPleasantry, looksForeign, stripFiller } from './text.js';
import { allTasks, startTurn, type Turn } from './turn.js';

/**
 * The built-in assistant used when no LLM is configured (SPEC §3.5): an intent
 * table (intents.ts) and slot extractors (dates, titles, priority, notes,
 * references) over each sentence of the message. It reads and changes tasks
 * only through the shared task tools, as the authenticated user; what it does
 * not understand changes nothing, and when unsure it asks.
 */
export function createOfflineAssistant(): Assistant {
  return {
    kind: 'offline',
    async reply({ history, message, ctx }): Promise<AssistantReply> {
      const turn = startTurn(ctx, contextFrom(history));
      const response = await understand(message, turn);
      return { response, toolCalls: turn.calls, offlineMemo: { ...turn.memo } };
    },
  };
}

interface Piece {
  text: string;
  match: Match | null;
  /** "and X too": leans on the previous action. */
  followUp: boolean;
}

const dateRef = (ctx: ToolContext) => ({ now: ctx.now, timeZone: ctx.timeZone });

function read(text: string, ctx: ToolContext): Piece {
  const cleaned = correctVerb(stripFiller(text));
  const lead = /^(?:and|also|plus|oh and)\b/i;
  const followUp =
    lead.test(cleaned) ||
    lead.test(text.trim().replace(/^(?:ok|oh|wait|no)[\s,]+/i, '')) ||
    /\b(?:too|as well)$/i.test(cleaned);
  let match = matchIntent(cleaned, dateRef(ctx));
  const bare = cleaned.replace(/^(?:and|also|plus)\s+/i, '');
  if (!match && bare !== cleaned) match = matchIntent(correctVerb(stripFiller(bare)), dateRef(ctx));
  return { text: bare.replace(/\s+(?:too|as well)$/i, ''), match, followUp };
}

/** Commas outside quotes: "the plants still need watering, uncheck it". */
const COMMA_OUTSIDE_QUOTES = /\s*,\s*(?=(?:[^'"“”]*['"“”][^'"“”]*['"“”])*[^'"“”]*$)/;

/**
 * The pieces of a message that ask for something: each sentence whole, or its
 * comma parts when the whole is no command but a part is, or when two parts
 * are commands of their own. Parts that are no command are asides: the
 * context "it" may point into.
 */
function piecesOf(message: string, ctx: ToolContext): { pieces: Piece[]; asides: string[] } {
  const pieces: Piece[] = [];
  const asides: string[] = [];
  for (const sentence of clauses(message)) {
    const whole = read(sentence, ctx);
    const parts = sentence.split(COMMA_OUTSIDE_QUOTES).filter(Boolean);
    const partPieces = parts.length > 1 ? parts.map((p) => read(p, ctx)) : [];
    const commands = partPieces.filter((p) => p.match).length;
    if (commands > 0 && (!whole.match || commands >= 2)) {
      for (const p of partPieces) {
        if (p.match) pieces.push(p);
        else asides.push(p.text);
      }
    } else if (whole.match || whole.text) pieces.push(whole);
  }
  return { pieces, asides };
}

async function understand(message: string, turn: Turn): Promise<string> {
  const { pieces, asides } = piecesOf(message, turn.ctx);
  turn.aside = asides.join('. ');
  const actionable = pieces.filter((p) => p.match || !isPleasantry(p.text));

  const pending = turn.context.pending;
  if (pending && actionable.length > 0) {
    const first = actionable[0] as Piece;
    const answered =
      first.match && first.match.intent !== 'cancel' ? null : await answerPending(turn, pending, first.text);
    if (answered !== null) return answered;
  }
  if (actionable.length === 0) {
    if (pieces.some((p) => /^(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening))\b/i.test(p.text)))
      return replies.greeting();
    if (pieces.some((p) => /\b(?:thanks?|thank you|thx|ty|cheers)\b/i.test(p.text))) return replies.thanks();
    return pieces.length > 0 ? replies.ok() : replies.unknown();
  }

  const said: string[] = [];
  for (const piece of actionable) {
    const answer = await perform(turn, piece, turn.context);
    // "I finished the report, can you tick it off?": the second piece repeats the first.
    if (answer !== null && !said.includes(answer)) said.push(answer);
  }
  if (said.length === 0) return looksForeign(message) ? replies.foreign() : replies.unknown();
  return said.join('\n');
}

async function perform(turn: Turn, piece: Piece, context: Context): Promise<string | null> {
  const m = piece.match;
  if (!m) return followUp(turn, piece, context);
  switch (m.intent) {
    case 'undo':
      return undo(turn);
    case 'cancel':
      return replies.cancelled();
    case 'help':
      return replies.help();
    case 'bulk':
      return replies.bulk();
    case 'list':
      if (
        m.slots.rest &&
        !LIST_WORDS.test(m.slots.rest) &&
        !/^(?:show|list|display|find|search|view|see)\b/i.test(piece.text)
      ) {
        return null;
      }
      return listTasks(turn, piece.text);
    case 'add': {
      const read = readNewTasks(m.slots.rest ?? '', dateRef(turn.ctx));
      if ('say' in read) return read.say;
      if ('ask' in read) {
        turn.memo.pending = read.pending;
        return read.ask;
      }
      return addTasks(turn, read.tasks);
    }
    default: {
      const action = actionOf(m);
      if (!action) return null;
      // "Booked the flights" names a task by what was done; "Tired of this" names none: not a request at all.
      if (m.slots.past && matchTitle(m.slots.ref ?? '', await allTasks(turn)).kind === 'none') return null;
      // "bring it back" right after a delete means the deleted task: that is an undo.
      if (m.intent === 'reopen' && context.last === 'delete' && parseRef(m.slots.ref ?? 'it')?.kind === 'pronoun') {
        return undo(turn);
      }
      return act(turn, m.slots.ref ?? 'it', action);
    }
  }
}

/** "and call mom too", "and the groceries", "actually no, saturday": the previous action again, or a change to "it". */
async function followUp(turn: Turn, piece: Piece, context: Context): Promise<string | null> {
  const text = piece.text;
  const date = parseDate(text, dateRef(turn.ctx));
  if (date && context.focus.length > 0) return act(turn, 'it', { kind: 'update', fields: { due_date: date } });
  const priority = priorityWord(text);
  if (priority && context.focus.length > 0) return act(turn, 'it', { kind: 'update', fields: { priority } });
  if (!piece.followUp || !context.last) return null;
  if (context.last === 'add') {
    const read = readNewTasks(text, dateRef(turn.ctx));
    if ('say' in read) return read.say;
    if ('ask' in read) {
      turn.memo.pending = read.pending;
      return read.ask;
    }
    return addTasks(turn, read.tasks);
  }
  if (context.last === 'list') return listTasks(turn, text);
  if (context.lastAction) return act(turn, text, context.lastAction);
  return null;
}
