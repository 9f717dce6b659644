import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../e2e/server.js';
import { codeBlocks, RUNNABLE } from './markdown.js';

/**
 * The README's examples run as printed (issue 12): every sh/bash/shell block, in
 * order, in one bash with `set -euo pipefail`, against a server started here on a
 * fresh embedded database and a free port, with the default limits. Blocks that
 * must not run are fenced ```console (the README's "Contributing to the docs").
 */

const ROOT = resolve(import.meta.dirname, '../..');
const README = join(ROOT, 'README.md');
const blocks = codeBlocks(README).filter((b) => RUNNABLE.has(b.lang));
const run = promisify(execFile);

let server: RunningServer;
let dir: string;
let stdout = '';
let stderr = '';

beforeAll(async () => {
  // The default rate limits, as a reader's server has them.
  server = await startServer({ RATE_LIMIT_ENABLED: 'true' }, { fromSource: true });
  const port = new URL(server.url).port;
  dir = mkdtempSync(join(tmpdir(), 'tasktalk-readme-'));
  // `npx openapi-typescript` etc. resolve from the project, as in a reader's clone.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const script = ['set -euo pipefail'];
  blocks.forEach((block, i) => {
    const file = join(dir, `block-${i}.sh`);
    writeFileSync(file, block.code.replaceAll('localhost:3000', `localhost:${port}`));
    script.push(
      `echo "::block ${i} start" >&2`,
      `source ${JSON.stringify(file)} </dev/null`,
      `echo "::block ${i} ok" >&2`,
    );
  });
  writeFileSync(join(dir, 'readme.sh'), `${script.join('\n')}\n`);
  try {
    ({ stdout, stderr } = await run('bash', ['--noprofile', '--norc', 'readme.sh'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (error) {
    ({ stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string });
  }
}, 300_000);

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('README shell blocks, run in order as printed', () => {
  it('finds the walkthrough blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    expect(blocks[0]?.heading).toBe('Walkthrough with curl');
  });

  it.each(blocks.map((block, i) => [i, block.line, block.heading] as const))(
    'block %i (README.md:%i, under "%s") exits 0',
    (i) => {
      if (!stderr.includes(`::block ${i} ok`)) {
        const from = stderr.indexOf(`::block ${i} start`);
        const detail = from < 0 ? 'an earlier block failed' : stderr.slice(from).slice(0, 3_000);
        throw new Error(`README block ${i} failed:\n${detail}\n--- stdout (end) ---\n${stdout.slice(-2_000)}`);
      }
    },
  );

  it('the walkthrough really talked to the server (no silent 401s or undefined ids)', () => {
    expect(stdout).toContain('"email":"ada@example.com"');
    expect(stdout).toContain('"code":"TOKEN_REVOKED"'); // the second device, signed out
    expect(stdout).toContain('"code":"INSUFFICIENT_SCOPE"'); // the read-only token's write
    expect(stdout).toContain('"title":"Return the milk bottles"'); // the second page keeps the filters
    expect(stdout).not.toContain('undefined');
    expect(stdout).not.toContain('"code":"NOT_AUTHENTICATED"');
  });

  it('the typed client it shows is docs/examples/api-client.ts, and it runs against the server', async () => {
    const shown = codeBlocks(README).find((b) => b.lang === 'ts' && b.code.includes("from 'openapi-fetch'"));
    expect(shown?.code).toBe(readFileSync(join(ROOT, 'docs/examples/api-client.ts'), 'utf8'));
    const { stdout: out } = await run(process.execPath, ['--import', 'tsx', 'docs/examples/api-client.ts'], {
      cwd: ROOT,
      env: { ...process.env, TASKTALK_URL: server.url },
    });
    expect(out).toMatch(/^high {3}Try the typed client$/m);
  });
});
