import type { Problem } from '@contracts/common';

/** A failed API call, carrying the server's RFC 9457 problem details. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: Problem['errors'];

  constructor(status: number, problem: Partial<Problem>) {
    super(problem.detail ?? `Request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem.code ?? 'UNKNOWN';
    this.fieldErrors = problem.errors;
  }
}

export async function toApiError(response: Response): Promise<ApiError> {
  let problem: Partial<Problem> = {};
  try {
    problem = (await response.json()) as Partial<Problem>;
  } catch {
    // Not JSON (a proxy error page): keep the status only.
  }
  return new ApiError(response.status, problem);
}

/** Field messages by path (`password`, `new_password`…), for showing next to inputs. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || !error.fieldErrors) return {};
  const out: Record<string, string> = {};
  for (const { path, message } of error.fieldErrors) {
    out[path] = out[path] ? `${out[path]}. ${message}` : message;
  }
  return out;
}

/** A human message for errors not tied to a field. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'Cannot reach the server. Check your connection and try again.';
  return 'Something went wrong. Please try again.';
}
