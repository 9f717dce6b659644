import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/client.js';
import { AppError } from './errors.js';

const READY_TIMEOUT_MS = 2_000;

export function registerHealth(app: FastifyInstance, database: Database) {
  const ops = { tags: ['operations'], response: { 200: z.object({ status: z.string() }) } };
  app.get('/healthz', { schema: { ...ops, summary: 'The process is up' }, config: { rateLimit: false } }, async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    { schema: { ...ops, summary: 'The database answers' }, config: { rateLimit: false } },
    async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new AppError('SERVICE_UNAVAILABLE', 'Database did not answer in time')),
          READY_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([database.ping(), timeout]);
      } catch (error) {
        throw error instanceof AppError
          ? error
          : new AppError('SERVICE_UNAVAILABLE', 'Database is unreachable', { headers: { 'retry-after': '5' } });
      } finally {
        clearTimeout(timer);
      }
      return { status: 'ready' };
    },
  );
}
