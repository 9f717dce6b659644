import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const contracts = fileURLToPath(new URL('../src/contracts', import.meta.url));
// npm run dev (scripts/dev.ts) sets both from PORT; alone, Vite proxies to PORT or 3000.
const api = process.env.API_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
const webPort = Number(process.env.WEB_PORT ?? 5173);

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  // The server's zod contracts, shared so a changed field fails both type checks.
  resolve: { alias: { '@contracts': contracts } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: {
    port: webPort,
    strictPort: true,
    // The API (npm start / scripts/dev.ts) on PORT; cookies stay on the Vite origin.
    proxy: { '/api': { target: api, changeOrigin: true } },
  },
  test: {
    name: 'web',
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
    pool: 'threads',
  },
});
