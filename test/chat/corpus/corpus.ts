import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The offline assistant's evaluation corpus (src/features/chat/offline/corpus/*.json,
 * described in its README): realistic messages with a start state and the effect
 * or kind of reply a person would expect.
 */

export const CORPUS_DIR = fileURLToPath(new URL('../../../src/features/chat/offline/corpus/', import.meta.url));

export interface SeedTask {
  title: string;
  description?: string;
  completed?: boolean;
  priority?: 'low' | 'medium' | 'high';
  due_date?: string;
}

/** A field's expected value; an array means "any of these". */
type Expected<T> = T | T[];
export interface FieldExpectation {
  title?: Expected<string>;
  description?: Expected<string | null>;
  completed?: boolean;
  priority?: Expected<'low' | 'medium' | 'high'>;
  due_date?: Expected<string | null>;
}

export interface Expectation {
  add?: (FieldExpectation & { title: string })[];
  /** Keyed by the task's title before the turn. */
  update?: Record<string, FieldExpectation>;
  delete?: string[];
  ask?: boolean;
  shows?: string[];
  help?: boolean;
  says?: string[];
  saysAny?: boolean;
}

export interface Turn extends Expectation {
  say: string;
  /** Other outcomes that are just as right (e.g. asking instead of guessing). */
  accept?: Expectation[];
}

export interface CorpusCase {
  id: string;
  category: string;
  tz: string;
  now: string;
  tasks: SeedTask[];
  turns: Turn[];
}

export const DEFAULT_TZ = 'Europe/Berlin';
export const DEFAULT_NOW = '2026-03-11T20:00:00Z';

interface RawCase extends Partial<Turn> {
  tz?: string;
  now?: string;
  tasks?: string | SeedTask[];
  turns?: Turn[];
}

export function loadCorpus(dir = CORPUS_DIR): CorpusCase[] {
  const seeds = JSON.parse(readFileSync(join(dir, 'seeds.json'), 'utf8')) as Record<string, SeedTask[]>;
  const cases: CorpusCase[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.json') || file === 'seeds.json') continue;
    const { category, cases: raw } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      category: string;
      cases: RawCase[];
    };
    raw.forEach((c, i) => {
      const { tz, now, tasks, turns, ...single } = c;
      const seed = typeof tasks === 'string' || tasks === undefined ? seeds[tasks ?? 'default'] : tasks;
      if (!seed) throw new Error(`${file} case ${i + 1}: unknown seed ${String(tasks)}`);
      const list = turns ?? [single as Turn];
      if (list.some((t) => typeof t.say !== 'string')) throw new Error(`${file} case ${i + 1}: a turn has no "say"`);
      cases.push({
        id: `${category}-${String(i + 1).padStart(2, '0')}`,
        category,
        tz: tz ?? DEFAULT_TZ,
        now: now ?? DEFAULT_NOW,
        tasks: seed,
        turns: list,
      });
    });
  }
  return cases;
}
