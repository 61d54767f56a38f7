// Leaf-level diff of two config documents (parsed JSON/JSON5), used to decide hot reload vs restart
// and to describe drift. Pure.
import JSON5 from 'json5';

/** Parse a rendered or deployed config text; undefined when it is not valid JSON5. */
export function parseConfigText(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON5.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values (object key order does not matter, array order does). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * Dotted paths of every leaf that was added, removed or changed between two config documents.
 * Objects are descended into; arrays and scalars are leaves (an array change reports the array's path,
 * matching how OpenClaw's `config.schema.lookup` names fields). A type change at an object reports the
 * object path. Sorted, deduplicated. Keys containing dots are kept verbatim.
 */
export function changedConfigPaths(oldJson: unknown, newJson: unknown): string[] {
  const out = new Set<string>();
  walk(oldJson, newJson, '', out);
  return [...out].sort();
}

function walk(a: unknown, b: unknown, path: string, out: Set<string>): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) walk(a[k], b[k], path ? `${path}.${k}` : k, out);
    return;
  }
  if (a === undefined && isPlainObject(b)) {
    for (const k of Object.keys(b)) walk(undefined, b[k], path ? `${path}.${k}` : k, out);
    if (Object.keys(b).length === 0 && path) out.add(path);
    return;
  }
  if (isPlainObject(a) && b === undefined) {
    for (const k of Object.keys(a)) walk(a[k], undefined, path ? `${path}.${k}` : k, out);
    if (Object.keys(a).length === 0 && path) out.add(path);
    return;
  }
  if (!jsonEqual(a, b)) out.add(path || '<root>');
}
