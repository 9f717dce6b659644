import { toAppError } from '../../http/error-handler.js';
import { AppError } from '../../http/errors.js';

/**
 * What a task tool reports when it cannot do its work: a short, stable code and a
 * message written by us, never the error's own text (SPEC §3.6). A database error
 * carries the SQL statement and its parameters (the caller's id among them); it
 * goes to the log with the request id, and the caller — an MCP client, the LLM, the
 * offline assistant — gets `internal_error`.
 */
export type ToolErrorCode = 'not_found' | 'invalid_input' | 'unavailable' | 'internal_error';

export interface ToolFailure {
  error: ToolErrorCode;
  message: string;
}

export interface ToolErrorContext {
  log?: { error(obj: unknown, msg: string): void } | undefined;
  requestId?: string | undefined;
}

export function toolFailure(error: unknown, tool: string, ctx: ToolErrorContext): ToolFailure {
  const known = error instanceof AppError ? error : toAppError(error);
  if (known?.code === 'VALIDATION_ERROR') {
    const fields = known.errors?.map((e) => `${e.path}: ${e.message}`).join('; ');
    return { error: 'invalid_input', message: fields || known.message };
  }
  if (known?.code === 'NOT_FOUND') return { error: 'not_found', message: 'Task not found' };
  if (known?.code === 'SERVICE_UNAVAILABLE') {
    return { error: 'unavailable', message: 'The task store is unavailable right now; nothing was changed' };
  }
  ctx.log?.error({ err: error, tool, reqId: ctx.requestId }, 'task tool failed');
  const where = ctx.requestId ? ` (request ${ctx.requestId})` : '';
  return { error: 'internal_error', message: `Something went wrong${where}; please try again` };
}
