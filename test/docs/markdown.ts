import { readFileSync } from 'node:fs';

export interface CodeBlock {
  /** The fence's language (`sh`, `json`, `console`…), '' when none. */
  lang: string;
  /** 1-based line of the opening fence in the file. */
  line: number;
  code: string;
  /** The nearest heading above the block. */
  heading: string;
}

/** Fenced code blocks of a Markdown file, in order. Fences open at the start of a line. */
export function codeBlocks(path: string): CodeBlock[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    if (/^#{1,6} /.test(text)) heading = text.replace(/^#+ /, '');
    const open = /^```([\w-]*)/.exec(text);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !/^```\s*$/.test(lines[i] ?? '')) body.push(lines[i] ?? '');
    blocks.push({ lang: open[1] ?? '', line: start + 1, code: `${body.join('\n')}\n`, heading });
  }
  return blocks;
}

/** Shell blocks the README test runs (see the README's "Contributing to the docs"). */
export const RUNNABLE = new Set(['sh', 'bash', 'shell']);
