import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemSchema } from '../../contracts/common.js';
import {
  aliasParams,
  aliasTaskIdParams,
  createTaskRequest,
  listTasksQuery,
  taskIdParams,
  taskPageSchema,
  taskSchema,
  updateTaskRequest,
} from '../../contracts/tasks.js';
import type { Db } from '../../db/client.js';
import { type AuthGuard, principalOf } from '../../http/auth-guard.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { localDate } from '../../lib/time-zone.js';
import { sameUuid } from '../../lib/uuid.js';
import { findTimeZone } from '../auth/users.repository.js';
import { addTask, deleteTask, getTask, listTasks, type Task, toggleTask, updateTask } from './tasks.service.js';

export interface TasksRouteDeps {
  db: Db;
  guard: AuthGuard;
  clock: Clock;
}

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 429: problemSchema };
const security = [{ bearerAuth: [] }];

function found(task: Task | null): Task {
  // SPEC §3.4: another user's task is indistinguishable from a missing one.
  if (!task) throw new AppError('NOT_FOUND', 'Task not found');
  return task;
}

/**
 * The task endpoints, mounted twice: at /api/tasks and, for clients of the
 * seeds' earlier API, at /api/:user_id/tasks where user_id must be the caller.
 */
function taskEndpoints(deps: TasksRouteDeps, alias: boolean): FastifyPluginAsyncZod {
  return async (app) => {
    const { db, guard, clock } = deps;
    const read = guard({ scope: 'tasks:read' });
    const write = guard({ scope: 'tasks:write' });
    const now = () => new Date(clock.now());
    const listParams = alias ? aliasParams : z.object({});
    const idParams = alias ? aliasTaskIdParams : taskIdParams;
    const base = {
      tags: ['tasks'],
      security,
      ...(alias ? { deprecated: true, description: 'Alias of the same route under /api/tasks' } : {}),
    };

    if (alias) {
      // After the guard (onRequest), so an anonymous caller still gets 401, not 404.
      app.addHook('preValidation', async (request: FastifyRequest) => {
        const { user_id } = request.params as { user_id?: string };
        if (!sameUuid(user_id, principalOf(request).userId)) throw new AppError('NOT_FOUND', 'Not found');
      });
    }

    app.get(
      '/',
      {
        onRequest: read,
        schema: {
          ...base,
          summary: 'List your tasks (filter, search, sort, cursor pages)',
          params: listParams,
          querystring: listTasksQuery,
          response: { 200: taskPageSchema, ...errors },
        },
      },
      async (request) => {
        const { userId } = principalOf(request);
        const { due } = request.query;
        // "today" is the user's day, in their profile time zone (SPEC §3.5); read only when asked for.
        const today = due ? localDate(now(), await findTimeZone(db, userId)) : undefined;
        return listTasks(db, userId, { ...request.query, ...(today ? { today } : {}) });
      },
    );

    app.post(
      '/',
      {
        onRequest: write,
        schema: {
          ...base,
          summary: 'Create a task',
          params: listParams,
          body: createTaskRequest,
          response: { 201: taskSchema, ...errors },
        },
      },
      async (request, reply) => {
        const task = await addTask(db, principalOf(request).userId, request.body, now());
        return reply.code(201).send(task);
      },
    );

    app.get(
      '/:id',
      {
        onRequest: read,
        schema: { ...base, summary: 'One task', params: idParams, response: { 200: taskSchema, ...errors } },
      },
      async (request) => found(await getTask(db, principalOf(request).userId, request.params.id)),
    );

    for (const method of ['put', 'patch'] as const) {
      app[method](
        '/:id',
        {
          onRequest: write,
          schema: {
            ...base,
            summary: 'Change some fields of a task (PUT and PATCH both update partially)',
            params: idParams,
            body: updateTaskRequest,
            response: { 200: taskSchema, ...errors },
          },
        },
        async (request) =>
          found(await updateTask(db, principalOf(request).userId, request.params.id, request.body, now())),
      );
    }

    app.delete(
      '/:id',
      {
        onRequest: write,
        schema: { ...base, summary: 'Delete a task', params: idParams, response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        found(await deleteTask(db, principalOf(request).userId, request.params.id));
        return reply.code(204).send(null);
      },
    );

    app.patch(
      '/:id/complete',
      {
        onRequest: write,
        schema: {
          ...base,
          summary: 'Toggle completed',
          params: idParams,
          response: { 200: taskSchema, ...errors },
        },
      },
      async (request) => found(await toggleTask(db, principalOf(request).userId, request.params.id, now())),
    );
  };
}

/** Registers /api/tasks and its /api/:user_id/tasks alias. */
export function tasksRoutes(deps: TasksRouteDeps): FastifyPluginAsync {
  return async (app) => {
    await app.register(taskEndpoints(deps, false), { prefix: '/api/tasks' });
    await app.register(taskEndpoints(deps, true), { prefix: '/api/:user_id/tasks' });
  };
}
