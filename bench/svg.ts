import { readFileSync, writeFileSync } from 'node:fs';
import type { Target } from './lib/report.js';

/**
 * A bar per target, drawn from bench/results/*.json: the bar is the measured
 * value relative to the goal, so the dashed line at 1× is "goal met" for every
 * row whatever its unit. Hand-written SVG, no chart library.
 */
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderSvg(targets: Target[], title: string): string {
  const row = 34;
  const left = 330;
  const width = 860;
  const plot = width - left - 150;
  const max = 2; // scores are clipped at 2× the goal
  const height = 70 + targets.length * row + 30;
  const x = (score: number) => left + (Math.min(score, max) / max) * plot;
  const bars = targets.map((t, i) => {
    const y = 50 + i * row;
    const colour = t.pass ? '#2f855a' : '#c05621';
    const sign = t.direction === 'min' ? '≥' : '≤';
    const value = `${t.value >= 100 ? t.value.toFixed(0) : t.value.toPrecision(3)}${t.unit ? ` ${t.unit}` : ''}`;
    return [
      `<text x="${left - 10}" y="${y + 17}" text-anchor="end">${xml(t.label)}</text>`,
      `<rect x="${left}" y="${y + 4}" width="${Math.max(1, x(t.score) - left).toFixed(1)}" height="20" rx="3" fill="${colour}"/>`,
      `<text x="${x(t.score) + 6}" y="${y + 18}" class="v">${xml(value)} (goal ${sign} ${t.target}${t.unit ? ` ${xml(t.unit)}` : ''})</text>`,
    ].join('\n  ');
  });
  const goal = x(1);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="13">
  <style>text { fill: #1a202c; } .v { font-size: 12px; fill: #4a5568; }</style>
  <rect width="100%" height="100%" fill="#ffffff"/>
  <text x="16" y="26" font-size="16" font-weight="600">${xml(title)}</text>
  <line x1="${goal}" y1="44" x2="${goal}" y2="${height - 30}" stroke="#718096" stroke-dasharray="4 3"/>
  <text x="${goal}" y="${height - 12}" text-anchor="middle" class="v">goal (1×)</text>
  <text x="${x(2)}" y="${height - 12}" text-anchor="middle" class="v">2×</text>
  ${bars.join('\n  ')}
</svg>
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const input = process.argv[2] ?? 'bench/results/latest.json';
  const output = process.argv[3] ?? input.replace(/latest\.json$/, 'ratios.svg').replace(/\.json$/, '.svg');
  const results = JSON.parse(readFileSync(input, 'utf8')) as { targets: Target[]; database: string; mode: string };
  writeFileSync(output, renderSvg(results.targets, `Tasktalk vs its goals (${results.database}, ${results.mode})`));
  console.log(`wrote ${output}`);
}
