// Structural diff of two JSON values, leaf by leaf. Used for `clawplane diff` and audit events.
export interface DiffEntry {
  path: string;
  op: 'add' | 'remove' | 'replace';
  from?: unknown;
  to?: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function join(path: string, key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

export function diffJson(from: unknown, to: unknown, path = ''): DiffEntry[] {
  if (jsonEqual(from, to)) return [];
  if (isObject(from) && isObject(to)) {
    const out: DiffEntry[] = [];
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    for (const k of keys) {
      const a = from[k];
      const b = to[k];
      if (a === undefined && b !== undefined) out.push({ path: join(path, k), op: 'add', to: b });
      else if (a !== undefined && b === undefined) out.push({ path: join(path, k), op: 'remove', from: a });
      else out.push(...diffJson(a, b, join(path, k)));
    }
    return out;
  }
  if (from === undefined) return [{ path, op: 'add', to }];
  if (to === undefined) return [{ path, op: 'remove', from }];
  return [{ path, op: 'replace', from, to }];
}

export function formatDiff(entries: readonly DiffEntry[]): string[] {
  const show = (v: unknown): string => JSON.stringify(v);
  return entries.map((e) =>
    e.op === 'add' ? `+ ${e.path}: ${show(e.to)}` : e.op === 'remove' ? `- ${e.path}: ${show(e.from)}` : `~ ${e.path}: ${show(e.from)} → ${show(e.to)}`,
  );
}
