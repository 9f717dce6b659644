import { FORBIDDEN_IN_TITLE } from '../contracts/text.js';

/**
 * Showing text people wrote (task titles) in text we produce, where it must not
 * forge lines or reorder its neighbours (SPEC §3.6). `inlineText` is for a title
 * inside a line (the assistant's numbered lists; shared with the web app through
 * src/contracts/text.ts); `textJson` for JSON sent as text (MCP `content`).
 */
export { inlineText } from '../contracts/text.js';

const ANY_FORBIDDEN = new RegExp(FORBIDDEN_IN_TITLE.source, 'gu');

/**
 * JSON.stringify escapes only U+0000–U+001F; C1 controls, U+2028/U+2029 and
 * bidi/format characters are escaped here too (`\uXXXX`, surrogate pairs for astral
 * ones). The value parses back unchanged.
 */
export function textJson(value: unknown): string {
  return JSON.stringify(value).replace(ANY_FORBIDDEN, (c) =>
    [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}
