// Random tokens for gateway auth and API tokens.
import { randomBytes } from 'node:crypto';

/** 32 random bytes, base64url without padding (43 characters). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}
