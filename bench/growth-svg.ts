import { readFileSync, writeFileSync } from 'node:fs';
import { GROWTH_QUERIES, type GrowthResult } from './growth.js';

/**
 * Scenario 7 as a chart: p50 latency (ms) of each query against the number of the
 * user's tasks, on a logarithmic axis. Flat lines are the goal. Hand-written SVG,
 * as bench/svg.ts.
 *
 *   node --import tsx bench/growth-svg.ts [bench/results/latest.json] [out.svg]
 */
const COLOURS = ['#2b6cb0', '#2f855a', '#c05621', '#6b46c1'];
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderGrowthSvg(result: GrowthResult, title: string): string {
  const width = 720;
  const height = 380;
  const plot = { left: 70, right: width - 170, top: 50, bottom: height - 50 };
  const sizes = result.sizes;
  const lo = Math.log10(sizes[0] ?? 1);
  const hi = Math.log10(sizes.at(-1) ?? 10);
  const all = GROWTH_QUERIES.flatMap((q) => result.queries[q].map((p) => p.p50));
  const top = Math.max(...all, 0.1) * 1.15;
  const x = (size: number) =>
    plot.left + ((Math.log10(size) - lo) / Math.max(hi - lo, 1e-9)) * (plot.right - plot.left);
  const y = (ms: number) => plot.bottom - (ms / top) * (plot.bottom - plot.top);
  const ticks = Array.from({ length: 5 }, (_, i) => (top * i) / 4);
  const grid = ticks.map(
    (ms) =>
      `<line x1="${plot.left}" y1="${y(ms).toFixed(1)}" x2="${plot.right}" y2="${y(ms).toFixed(1)}" stroke="#e2e8f0"/>` +
      `<text x="${plot.left - 8}" y="${(y(ms) + 4).toFixed(1)}" text-anchor="end" class="v">${ms.toFixed(ms < 1 ? 2 : 1)}</text>`,
  );
  const axis = sizes.map(
    (size) =>
      `<text x="${x(size).toFixed(1)}" y="${plot.bottom + 18}" text-anchor="middle" class="v">${size.toLocaleString('en-US')}</text>`,
  );
  const lines = GROWTH_QUERIES.map((query, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const points = result.queries[query].map((p) => `${x(p.size).toFixed(1)},${y(p.p50).toFixed(1)}`);
    const dots = result.queries[query].map(
      (p) => `<circle cx="${x(p.size).toFixed(1)}" cy="${y(p.p50).toFixed(1)}" r="3.5" fill="${colour}"/>`,
    );
    const legendY = plot.top + 10 + i * 22;
    return [
      `<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`,
      ...dots,
      `<rect x="${plot.right + 20}" y="${legendY - 9}" width="14" height="4" fill="${colour}"/>`,
      `<text x="${plot.right + 40}" y="${legendY - 3}">${xml(query)}</text>`,
    ].join('\n  ');
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="13">
  <style>text { fill: #1a202c; } .v { font-size: 11px; fill: #4a5568; }</style>
  <rect width="100%" height="100%" fill="#ffffff"/>
  <text x="16" y="26" font-size="16" font-weight="600">${xml(title)}</text>
  ${grid.join('\n  ')}
  <line x1="${plot.left}" y1="${plot.bottom}" x2="${plot.right}" y2="${plot.bottom}" stroke="#718096"/>
  ${axis.join('\n  ')}
  <text x="${(plot.left + plot.right) / 2}" y="${height - 12}" text-anchor="middle" class="v">tasks of the user (log scale)</text>
  <text x="18" y="${(plot.top + plot.bottom) / 2}" transform="rotate(-90 18 ${(plot.top + plot.bottom) / 2})" text-anchor="middle" class="v">p50 ms</text>
  ${lines.join('\n  ')}
</svg>
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const input = process.argv[2] ?? 'bench/results/latest.json';
  const output = process.argv[3] ?? input.replace(/latest\.json$/, 'growth.svg').replace(/\.json$/, '-growth.svg');
  const results = JSON.parse(readFileSync(input, 'utf8')) as { scenarios: { growth: GrowthResult }; mode: string };
  const growth = results.scenarios.growth;
  writeFileSync(
    output,
    renderGrowthSvg(growth, `Task list cost as one user's tasks grow (${growth.database}, ${results.mode})`),
  );
  console.log(`wrote ${output}`);
}
