// Opaque pagination cursor: the last name of the previous page, base64url-encoded.
import { StoreInvalidInput } from '../core/ports/store.ts';

export function encodeContinue(lastName: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after: lastName })).toString('base64url');
}

export function decodeContinue(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'v' in parsed && parsed.v === 1 && 'after' in parsed && typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through
  }
  throw new StoreInvalidInput('invalid continue token');
}

export const DEFAULT_LIMIT = 500;
export const MAX_LIMIT = 1000;

/** Page size: default 500, clamped to 1..1000. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.trunc(limit)));
}
