// One table from AppError codes to HTTP statuses, and the one error envelope.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type AppErrorCode, isAppError } from '../app/app-error.ts';
import type { Issue } from '../core/issues.ts';

export const statusOf: Record<AppErrorCode, ContentfulStatusCode> = {
  invalid: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; issues?: Issue[]; requestId: string };
}

export function errorResponse(c: Context, code: AppErrorCode, message: string, issues?: Issue[]): Response {
  const body: ErrorBody = { error: { code, message, requestId: String(c.get('requestId') ?? '') } };
  if (issues && issues.length > 0) body.error.issues = issues.slice(0, 1000);
  return c.json(body, statusOf[code]);
}

export function toErrorResponse(c: Context, e: unknown): Response {
  if (isAppError(e)) {
    if (e.retryAfterSeconds !== undefined) c.header('retry-after', String(e.retryAfterSeconds));
    return errorResponse(c, e.code, e.message, e.issues);
  }
  if (e instanceof SyntaxError) return errorResponse(c, 'invalid', `malformed JSON body: ${e.message}`);
  const log = c.get('log') as { error: (o: unknown, m: string) => void } | undefined;
  log?.error({ err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e) }, 'internal error');
  return errorResponse(c, 'internal', 'internal error; see the server log with this request id');
}
