import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { START_ARGS } from '../../bench/lib/spawn-server.js';

/**
 * One way to start the server: `npm start`'s command line (package.json) is what
 * the benchmarks and browser tests spawn (START_ARGS), and the Docker image runs
 * the compiled server with the same Node.js options (docs/decisions/010).
 */
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
const nodeOptions = START_ARGS.slice(0, -1);

describe('the start command', () => {
  it('is scripts/start.mjs with Node.js options, read by the benchmarks and browser tests', () => {
    expect(pkg.scripts.start).toBe(['node', ...START_ARGS].join(' '));
    expect(START_ARGS.at(-1)).toBe('scripts/start.mjs');
    expect(nodeOptions).toContain('--max-semi-space-size=8');
  });

  it("is the Docker image's too: the same Node.js options before dist/server.js", () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...nodeOptions, 'dist/server.js']);
  });
});
