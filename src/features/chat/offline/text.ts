/**
 * Text helpers of the offline assistant: clause splitting, politeness filler,
 * word stems and typo distance. (Titles are shown through src/lib/display-text.ts.)
 */

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("compelte"). */
export function typoDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    const prev = d[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** How many typos a word of this length may carry and still count as meant. */
export const typoAllowance = (word: string) => (word.length >= 7 ? 2 : word.length >= 4 ? 1 : 0);

const IRREGULAR: Record<string, string> = {
  paid: 'pay',
  bought: 'buy',
  did: 'do',
  wrote: 'write',
  written: 'write',
  sent: 'send',
  took: 'take',
  went: 'go',
  made: 'make',
  got: 'get',
  rang: 'ring',
  gave: 'give',
  fed: 'feed',
  met: 'meet',
  sold: 'sell',
  brought: 'bring',
  ran: 'run',
};

/** A crude English stem, enough to meet "watering"/"water", "called"/"call", "plants"/"plant". */
export function stem(word: string): string {
  const w = word.toLowerCase();
  const irregular = IRREGULAR[w];
  if (irregular) return irregular;
  if (w.length > 5 && w.endsWith('ing')) return undouble(w.slice(0, -3));
  if (w.length > 4 && w.endsWith('ied')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && w.endsWith('ed')) return undouble(w.slice(0, -2));
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}
function undouble(w: string): string {
  return /([bdgmnpt])\1$/.test(w) ? w.slice(0, -1) : w.replace(/e$/, '');
}

export const words = (text: string) =>
  (text.toLowerCase().match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? []).map((w) => w.replace(/'s$/, ''));

const QUOTES = /["“”‘’`]|(?<![\p{L}])'|'(?![\p{L}])/gu;
/** Quoted spans, in order ('…', "…", “…”, ‘…’); an apostrophe inside a word is not a quote. */
export function quotedSpans(text: string): string[] {
  const spans: string[] = [];
  const re = /["“]([^"”]+)["”]|(?<![\p{L}\p{N}])['‘]([^'’]+?)['’](?![\p{L}\p{N}])|`([^`]+)`/gu;
  for (let m = re.exec(text); m; m = re.exec(text)) spans.push((m[1] ?? m[2] ?? m[3] ?? '').trim());
  return spans.filter(Boolean);
}
export const stripQuotes = (text: string) => text.replace(QUOTES, '').trim();

// Emoji and pictographs carry no instruction here.
const EMOJI = /\p{Extended_Pictographic}|\u{FE0F}|\u{200D}/gu;

/** Splits a message into sentences (at . ! ? ; and line breaks outside quotes and lists). */
export function clauses(message: string): string[] {
  const text = message.replace(EMOJI, ' ').replace(/[ \t]+/g, ' ');
  const out: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const next = text[i + 1] ?? ' ';
    const prev = text[i - 1] ?? ' ';
    const opens = /["“‘`]/.test(c) || (c === "'" && !/[\p{L}\p{N}]/u.test(prev));
    if (quote) {
      if (c === quote || (quote === '“' && c === '”') || (quote === '‘' && c === '’')) quote = null;
    } else if (opens) quote = c;
    else if (/[.!?;]/.test(c) && /\s/.test(next)) {
      out.push(current + (c === '?' ? '?' : ''));
      current = '';
      continue;
    } else if (c === '\n' && !/^\s*[-*•]/.test(text.slice(i + 1)) && !/:\s*$/.test(current)) {
      out.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  out.push(current);
  return out.map((s) => s.replace(/[.!?]+$/g, (m) => (m.includes('?') ? '?' : '')).trim()).filter((s) => s !== '');
}

/** Openers and closers that carry politeness, not meaning. */
const LEADING_FILLER = [
  /^(?:hi|hello|hey|hiya|yo|hey there|good (?:morning|afternoon|evening)|ok(?:ay)?(?: cool)?|cool|so|um+|uh+|h+m+|basically|well|right|oh|oops|alright|sorry to bother you|but|and also|also|actually|no wait|wait|no|ah|quick one|quick question)\b[\s,!:\-–—]*/i,
  /^(?:i'?d like to|i would like to|i want to|i wanna|let'?s|lets)\s+(?=(?:add|create|delete|remove|see|show|mark|complete|change|rename|move|list|know|reopen|undo)\b)/i,
  /^(?:would you be so kind as to|i was wondering if you could|would you mind|do you mind|(?:could|can|would|will) (?:you|u))\b\s*/i,
  /^(?:please|pls|plz|kindly|maybe|just|quickly)\b[\s,]*/i,
];
const TRAILING_FILLER =
  /(?:^|[\s,]+)(?:please|pls|plz|thanks(?: so much| a lot)?|thank you(?: so much)?|thx|ty|ta|cheers|for me|actually|now|then)[\s!.]*$|[\s,]*(?::\)|:-\)|!+)\s*$/i;

export function stripFiller(clause: string): string {
  let text = clause.trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const re of LEADING_FILLER) {
      const next = text.replace(re, '');
      if (next !== text && next.trim() !== '') {
        text = next.trim();
        changed = true;
      }
    }
    const next = text.replace(TRAILING_FILLER, '').trim();
    if (next !== text && next !== '') {
      text = next;
      changed = true;
    }
  }
  return text.replace(/\?$/, '').trim();
}

/** True when the text reads as thanks or a greeting only. */
export const isPleasantry = (text: string) =>
  /^(?:hi|hello|hey|hiya|yo|hey there|good (?:morning|afternoon|evening)|thanks?|thank you|thx|ty|cheers|great|perfect|nice|cool|ok(?:ay)?|got it|awesome|that'?s all(?: for now)?|bye|goodbye)\b[\s\w,'!.]*$/i.test(
    text.trim(),
  ) && text.trim().split(/\s+/).length <= 8;

/** Letters outside Latin-1 and English word lists: treated as another language. */
export function looksForeign(message: string): boolean {
  if (/[^\p{Script=Latin}\p{P}\p{S}\p{N}\s\p{Extended_Pictographic}]/u.test(message.replace(EMOJI, ''))) return true;
  if (/[¿¡ñäöüßàâçéèêëîïôûù]/i.test(message)) return true;
  return /\b(?:bitte|meine|aufgaben?|zeig|mis|tareas|mostrar|añadir|ajoute|acheter|mes|tâches|und|oder|der|die|das|el|los|las|del|pour|avec)\b/i.test(
    message,
  );
}
