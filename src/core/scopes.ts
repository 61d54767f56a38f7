// API token scopes: what a token may do on top of (never beyond) its user's roles.
import { z } from 'zod';

export const tokenScopes = ['read', 'write', 'admin', 'audit:read', 'secrets:write'] as const;
export type TokenScope = (typeof tokenScopes)[number];
export const tokenScopeSchema = z.enum(tokenScopes);

/** Each scope and the scopes it includes: admin ⊇ write ⊇ read ⊇ audit:read; admin ⊇ secrets:write. */
const implied: Record<TokenScope, readonly TokenScope[]> = {
  admin: ['write', 'read', 'audit:read', 'secrets:write'],
  write: ['read', 'audit:read'],
  read: ['audit:read'],
  'audit:read': [],
  'secrets:write': [],
};

/** The scopes granted, with everything they imply, sorted. */
export function expandScopes(scopes: readonly TokenScope[]): TokenScope[] {
  const out = new Set<TokenScope>();
  for (const s of scopes) {
    out.add(s);
    for (const i of implied[s]) out.add(i);
  }
  return tokenScopes.filter((s) => out.has(s));
}

/** True when `held` (a token's scopes; undefined = unrestricted) covers `needed`. */
export function scopeAllows(held: readonly TokenScope[] | undefined, needed: TokenScope): boolean {
  return held === undefined || expandScopes(held).includes(needed);
}

/** Parses "read,audit:read" (or an array); returns the issue text for an unknown scope. */
export function parseScopes(raw: string | readonly string[]): { scopes: TokenScope[] } | { error: string } {
  const parts = (typeof raw === 'string' ? raw.split(',') : [...raw]).map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) return { error: `scopes must not be empty; expected some of ${tokenScopes.join(', ')}` };
  const bad = parts.filter((p) => !(tokenScopes as readonly string[]).includes(p));
  if (bad.length > 0) return { error: `unknown scope(s) ${bad.map((b) => `"${b.slice(0, 40)}"`).join(', ')}; expected some of ${tokenScopes.join(', ')}` };
  return { scopes: [...new Set(parts as TokenScope[])] };
}

/** "30d", "12h", "90m" → milliseconds (1 minute … 10 years), or undefined when malformed. */
export function parseDuration(raw: string): number | undefined {
  const m = /^(\d{1,6})([mhdw])$/.exec(raw.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'm' | 'h' | 'd' | 'w'];
  return ms >= 60_000 && ms <= 3650 * 86_400_000 ? ms : undefined;
}
