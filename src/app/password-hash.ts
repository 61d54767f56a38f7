// Password hashing with scrypt (node:crypto, memory-hard) and the password policy.
// Stored format: scrypt$<log2 N>$<r>$<p>$<salt b64url>$<key b64url>; parameters travel with the hash
// so they can be raised later without breaking existing passwords.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { AppError } from './app-error.ts';

/** OWASP's scrypt recommendation: N = 2^17 (128 MiB), r = 8, p = 1. */
export const DEFAULT_SCRYPT_LOG_N = 17;
const R = 8;
const P = 1;
const KEY_LEN = 32;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LEN, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, logN = DEFAULT_SCRYPT_LOG_N): Promise<string> {
  if (!Number.isInteger(logN) || logN < 10 || logN > 20) throw new Error(`scrypt log2 N must be 10..20, got ${logN}`);
  const salt = randomBytes(16);
  const key = await derive(password, salt, logN, R, P);
  return `scrypt$${logN}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Constant-time check of a password against a stored hash; false for malformed hashes. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$(\d{2})\$(\d{1,2})\$(\d{1,2})\$([\w-]{16,64})\$([\w-]{32,128})$/.exec(stored);
  if (!m || password.length > MAX_PASSWORD_LENGTH) return false;
  const [logN, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (logN < 10 || logN > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await derive(password, Buffer.from(m[4]!, 'base64url'), logN, r, p);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A fixed hash to verify against when the user does not exist, so timing does not reveal it. */
export function dummyHash(logN: number): string {
  return `scrypt$${logN}$${R}$${P}$AAAAAAAAAAAAAAAAAAAAAA$${'A'.repeat(43)}`;
}

const common = new Set(['password1234', '123456789012', 'qwertyuiop12', 'letmein12345', 'administrator', 'passwordpassword', 'changeme1234', 'clawplane123']);

/** The password policy: 12–1024 characters, not all one character class of few distinct symbols, not the user name, not a common password. */
export function checkPasswordPolicy(password: unknown, userName: string): string {
  if (typeof password !== 'string') throw new AppError('invalid', 'password must be a string');
  if (password.length < MIN_PASSWORD_LENGTH) throw new AppError('invalid', `password is too short: at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new AppError('invalid', `password is too long: at most ${MAX_PASSWORD_LENGTH} characters`);
  if (/[\r\n\0]/.test(password)) throw new AppError('invalid', 'password must not contain line breaks or NUL characters');
  if (new Set(password).size < 5) throw new AppError('invalid', 'password is too repetitive: use at least 5 different characters');
  const lower = password.toLowerCase();
  if (lower.includes(userName.toLowerCase()) && userName.length >= 3) throw new AppError('invalid', 'password must not contain the user name');
  if (common.has(lower)) throw new AppError('invalid', 'password is too common');
  return password;
}
