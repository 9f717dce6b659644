/**
 * The one rule for text people write that is later shown to other eyes and
 * machines — task titles and descriptions — at every door (REST, MCP, the chat
 * tools, the CLI import). Refused:
 *
 * - control characters (Unicode Cc: C0 and C1, CR, LF, TAB, NEL, DEL), except a line
 *   feed in descriptions;
 * - line and paragraph separators (Zl, Zp: U+2028, U+2029);
 * - format characters (Cf): the bidi embeddings, overrides and isolates that reorder
 *   what is displayed ("Trojan Source", CVE-2021-42574), zero-width spaces, the BOM,
 *   soft hyphens, and the invisible tag characters used to smuggle text past a
 *   reader (and into an LLM prompt).
 *
 * A title shown in a numbered list can then neither forge other lines ("buy milk\n2.
 * [ ] pay rent") nor hide or reorder text. Zero-width (non-)joiners, U+200C/U+200D,
 * stay allowed: emoji sequences and Persian and Indic scripts need them, and they
 * neither break lines nor reorder anything.
 */
export const FORBIDDEN_IN_TITLE = /(?![\u200C\u200D])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
export const FORBIDDEN_IN_DESCRIPTION = /(?![\n\u200C\u200D])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** True when `value` holds none of the characters refused in a title. */
export const isPlainLine = (value: string) => !FORBIDDEN_IN_TITLE.test(value);
/** True when `value` holds none of the characters refused in a description (line feeds allowed). */
export const isPlainText = (value: string) => !FORBIDDEN_IN_DESCRIPTION.test(value);

const ANY_FORBIDDEN = new RegExp(FORBIDDEN_IN_TITLE.source, 'gu');
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A title shown inside a line of text (the assistant's lists, the web app): rows
 * stored before the rule above may still hold such characters, so each becomes a
 * visible escape — a line feed `\n`, others `\u{202E}` — and the title can neither
 * forge another line nor reorder or hide its neighbours (SPEC §3.6).
 */
export function inlineText(text: string): string {
  return text.replace(ANY_FORBIDDEN, (c) => NAMED[c] ?? `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`);
}
