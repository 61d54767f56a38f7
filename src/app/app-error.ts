// The one error type of the app layer. The HTTP edge maps `code` to a status with one table.
import type { Issue } from '../core/issues.ts';

export const appErrorCodes = [
  'invalid', 'unauthenticated', 'forbidden', 'not_found', 'conflict', 'too_large', 'rate_limited', 'unavailable', 'internal',
] as const;
export type AppErrorCode = (typeof appErrorCodes)[number];

export class AppError extends Error {
  override name = 'AppError';
  readonly code: AppErrorCode;
  readonly issues: Issue[] | undefined;
  /** For rate_limited: seconds until the caller may try again (Retry-After). */
  retryAfterSeconds?: number;
  constructor(code: AppErrorCode, message: string, issues?: Issue[]) {
    super(message);
    this.code = code;
    this.issues = issues;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
