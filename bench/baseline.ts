import Fastify from 'fastify';
import { openDatabase } from '../src/db/client.js';
import { selectPage } from '../src/features/tasks/tasks.repository.js';

/**
 * The benchmark's yardstick: a bare Fastify server on the same database that
 * returns the same 10 rows with the same query as GET /api/tasks, without
 * authentication, validation, rate limits, security headers or metrics.
 */
const port = Number(process.env.PORT ?? 3999);
const ownerId = process.env.OWNER_ID ?? '';
const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR });
const app = Fastify({ logger: false });

app.get('/readyz', async () => ({ status: 'ready' }));
app.get('/tasks', async () => {
  // The repository call GET /api/tasks makes, so both run the same (prepared) statement.
  const { rows } = await selectPage(
    database.db,
    ownerId,
    {},
    { sort: 'created', order: 'desc', limit: 21, after: null },
  );
  return {
    items: rows.slice(0, 20).map(({ task }) => ({
      id: task.id,
      title: task.title,
      description: task.description,
      completed: task.completed,
      priority: task.priority,
      due_date: task.dueDate,
      created_at: task.createdAt.toISOString(),
      updated_at: task.updatedAt.toISOString(),
    })),
  };
});

process.on('SIGTERM', () => {
  void app.close().then(() => database.close().then(() => process.exit(0)));
});
await app.listen({ port, host: '127.0.0.1' });
