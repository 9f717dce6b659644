import { defineConfig } from 'vitest/config';

/** `npm run test:fault`: servers are killed on purpose here, so not part of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/fault/**/*.fault.ts'],
    pool: 'forks',
    // One at a time: each file starts its own PostgreSQL, Redis and servers.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
