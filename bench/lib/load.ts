import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from '../load-worker.js';

export type { LoadResult, LoadSpec };

const WORKER = fileURLToPath(new URL('../load-worker.ts', import.meta.url));

/** Runs autocannon in a separate process against `spec.url` and returns its summary. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', WORKER, JSON.stringify(spec)],
      { maxBuffer: 64 * 1024 * 1024, timeout: (spec.durationSec + 60) * 1000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`load worker failed: ${error.message}\n${stderr}`));
        const line = stdout.trim().split('\n').at(-1) ?? '';
        try {
          resolve(JSON.parse(line) as LoadResult);
        } catch {
          reject(new Error(`load worker printed no result: ${stdout}\n${stderr}`));
        }
      },
    );
  });
}
