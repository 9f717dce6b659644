import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.0–2.2 A and AA rules, and axe's best practices (landmarks, headings). */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

export interface AxeSummary {
  page: string;
  counts: Record<'critical' | 'serious' | 'moderate' | 'minor', number>;
  violations: AxeViolation[];
}

/**
 * Runs axe-core on the page as it is now, prints the violation counts by impact
 * and fails on any serious or critical one (SPEC §4). For every page of the web
 * app: call it once the page has rendered what it shows (`name` labels the
 * output). axe is evaluated through the DevTools protocol, so the app's CSP
 * (`script-src 'self'`) stays as it is.
 */
export async function checkAccessibility(page: Page, name: string): Promise<AxeSummary> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    type Result = {
      violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }>;
    };
    // Runs in the page; the test project has no DOM types.
    const scope = globalThis as unknown as {
      axe: { run(context: unknown, options: unknown): Promise<Result> };
      document: unknown;
    };
    const result = await scope.axe.run(scope.document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  }, TAGS);
  const counts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of violations) if (v.impact && v.impact in counts) counts[v.impact as keyof typeof counts] += 1;
  console.log(
    `    axe ${name}: ${counts.critical} critical, ${counts.serious} serious, ${counts.moderate} moderate, ${counts.minor} minor` +
      violations.map((v) => `\n      ${v.impact} ${v.id}: ${v.help} (${v.targets.join(', ')})`).join(''),
  );
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.equal(
    blocking.length,
    0,
    `serious or critical accessibility violations on ${name}:\n${blocking.map((v) => `  ${v.id}: ${v.help} (${v.targets.join(', ')})`).join('\n')}`,
  );
  return { page: name, counts, violations };
}
