import type { FastifyInstance, InjectOptions } from 'fastify';
import { bearer, PASSWORD } from '../helpers/app.js';

/** A caller of the tasks API with one token; `base` is /api/tasks or an alias. */
export function tasksClient(app: FastifyInstance, token: string, base = '/api/tasks') {
  const call = (method: InjectOptions['method'], path = '', payload?: unknown) =>
    app.inject({
      method,
      url: `${base}${path}`,
      headers: bearer(token),
      ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }),
    });
  return {
    list: (query = '') => call('GET', query ? `?${query}` : ''),
    create: (body: unknown) => call('POST', '', body),
    get: (id: string) => call('GET', `/${id}`),
    put: (id: string, body: unknown) => call('PUT', `/${id}`, body),
    patch: (id: string, body: unknown) => call('PATCH', `/${id}`, body),
    complete: (id: string) => call('PATCH', `/${id}/complete`),
    remove: (id: string) => call('DELETE', `/${id}`),
  };
}

export type TasksClient = ReturnType<typeof tasksClient>;

/** Creates a personal access token with the given scopes through the API. */
export async function personalToken(app: FastifyInstance, accessToken: string, scopes: string[]): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/tokens',
    headers: bearer(accessToken),
    payload: { name: `pat ${scopes.join(' ')}`, scopes, password: PASSWORD },
  });
  if (res.statusCode !== 201) throw new Error(`token create failed: ${res.statusCode} ${res.body}`);
  return res.json().token as string;
}
