// Layered config: JSON5 layers with `$include`, deep merge with an explicit deletion marker, and
// provenance (leaf path → layer that set it). Pure: includes are read through an injected reader.
// Rules are documented in docs/config-layers.md.
import JSON5 from 'json5';
import { type Issue, issue } from './issues.ts';

/** `{"$delete": true}` as a value removes the key from what lower layers set. */
export const DELETE_KEY = '$delete';
export const INCLUDE_KEY = '$include';
export const MAX_INCLUDE_DEPTH = 10;

export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** Leaf path (see formatConfigPath) → where its value came from. */
export type Provenance = Map<string, string>;

export interface LayerSource {
  /** Shown in provenance and issues, e.g. `ConfigTemplate/base` or `clawplane:render`. */
  source: string;
  /** JSON5 text, or an already-parsed object. */
  content: string | JsonObject;
  /** Path prefix the layer is rooted at, e.g. ['agents', 'entries', 'helpdesk'] for agent scope. */
  at?: string[];
  /** Virtual files for `$include`, keyed by path relative to the layer root. */
  files?: Record<string, string>;
  /** Alternative include reader (e.g. a directory root in the CLI); wins over `files`. */
  readInclude?: IncludeReader;
}

/** Reads an include by its normalised root-relative path; undefined when it does not exist. */
export type IncludeReader = (path: string) => string | undefined;

export interface MergedConfig {
  value: JsonObject;
  provenance: Provenance;
  issues: Issue[];
}

export function isPlainObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isDeleteMarker(v: unknown): boolean {
  return isPlainObject(v) && v[DELETE_KEY] === true && Object.keys(v).length === 1;
}

const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
/** `agents.entries.helpdesk.model`; keys that are not simple are quoted: `models["openai/gpt-5.4"]`. */
export function formatConfigPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (SIMPLE_KEY.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Inverse of formatConfigPath (array indexes come back as strings). */
export function parseConfigPath(path: string): string[] {
  const out: string[] = [];
  const re = /([^.[\]]+)|\[("(?:[^"\\]|\\.)*"|\d+)\]/g;
  for (const m of path.matchAll(re)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2]);
  }
  return out;
}

/** POSIX-normalise `rel` against directory `dir` (both root-relative); undefined if it escapes the root. */
export function resolveIncludePath(dir: string, rel: string): string | undefined {
  if (rel.startsWith('/') || /^[A-Za-z]:[\\/]/.test(rel) || rel.includes('\\') || rel.includes('\0')) return undefined;
  const parts = dir ? dir.split('/') : [];
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.length > 0 ? parts.join('/') : undefined;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

interface ParseCtx {
  layer: string;
  read: IncludeReader | undefined;
  issues: Issue[];
}

function parseJson5(text: string, where: string, ctx: ParseCtx): JsonValue | undefined {
  try {
    return JSON5.parse(text) as JsonValue;
  } catch (e) {
    ctx.issues.push(issue('config_parse_error', where, `${ctx.layer}: ${where}: JSON5 parse error: ${(e as Error).message}`, { resource: ctx.layer }));
    return undefined;
  }
}

type FileMap = Map<string, string>;
interface Resolved {
  value: JsonValue;
  /** Leaf path relative to the value → root-relative file that set it ('' = the layer content). */
  files: FileMap;
}

function joinPath(key: string, rest: string): string {
  const k = formatConfigPath([key]);
  if (rest === '') return k;
  return rest.startsWith('[') ? `${k}${rest}` : `${k}.${rest}`;
}

/**
 * Resolve `$include` in a parsed value. `file` is the root-relative path of the file the value comes
 * from ('' for the layer content itself). OpenClaw semantics: one file replaces the object holding
 * the `$include`, an array of files is deep-merged in order, sibling keys override included values.
 */
function resolveIncludes(value: JsonValue, file: string, stack: string[], ctx: ParseCtx, pathSegs: string[]): Resolved {
  const files: FileMap = new Map();
  if (!isPlainObject(value) || (Object.keys(value).length === 0)) {
    const v = Array.isArray(value) ? value.map((x, i) => resolveIncludes(x, file, stack, ctx, [...pathSegs, String(i)]).value) : value;
    if (file) files.set('', file);
    return { value: v, files };
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === INCLUDE_KEY) continue;
    const child = resolveIncludes(v, file, stack, ctx, [...pathSegs, k]);
    out[k] = child.value;
    for (const [p, f] of child.files) files.set(joinPath(k, p), f);
  }
  if (!Object.hasOwn(value, INCLUDE_KEY)) return { value: out, files };
  const spec = value[INCLUDE_KEY];
  const list = typeof spec === 'string' ? [spec] : Array.isArray(spec) && spec.every((s) => typeof s === 'string') ? (spec as string[]) : undefined;
  const where = formatConfigPath([...pathSegs, INCLUDE_KEY]);
  if (!list) {
    ctx.issues.push(issue('include_invalid', where, `${ctx.layer}: $include must be a path or an array of paths`, { resource: ctx.layer }));
    return { value: out, files };
  }
  let base: JsonValue | undefined;
  const baseFiles: FileMap = new Map();
  for (const rel of list) {
    const inc = loadInclude(rel, file, stack, ctx, where);
    if (inc === undefined) continue;
    if (base === undefined) {
      base = inc.value;
      for (const [p, f] of inc.files) baseFiles.set(p, f);
    } else base = mergeValues(base, inc.value, [], baseFiles, (p) => inc.files.get(p) ?? '').value;
  }
  if (base === undefined) return { value: out, files };
  if (Object.keys(out).length === 0) return { value: base, files: baseFiles };
  if (!isPlainObject(base)) {
    ctx.issues.push(issue('include_invalid', formatConfigPath(pathSegs), `${ctx.layer}: an included non-object cannot have sibling keys`, { resource: ctx.layer }));
    return { value: out, files };
  }
  const merged = mergeValues(base, out, [], baseFiles, (p) => files.get(p) ?? file).value;
  return { value: merged, files: baseFiles };
}

function loadInclude(rel: string, fromFile: string, stack: string[], ctx: ParseCtx, where: string): Resolved | undefined {
  const fail = (code: string, msg: string): undefined => {
    ctx.issues.push(issue(code, where, `${ctx.layer}: $include "${rel}"${fromFile ? ` in ${fromFile}` : ''}: ${msg}`, {
      resource: ctx.layer,
      hint: 'use a path relative to the including file that stays inside the template root',
    }));
    return undefined;
  };
  if (stack.length >= MAX_INCLUDE_DEPTH) return fail('include_too_deep', `nesting deeper than ${MAX_INCLUDE_DEPTH} levels`);
  const path = resolveIncludePath(dirOf(fromFile), rel);
  if (path === undefined) return fail('include_escape', 'absolute paths and paths leaving the template root are refused');
  if (stack.includes(path)) return fail('include_cycle', `include cycle: ${[...stack, path].join(' → ')}`);
  if (!ctx.read) return fail('include_missing', 'this layer has no files to include from');
  let text: string | undefined;
  try {
    text = ctx.read(path);
  } catch (e) {
    return fail('include_escape', (e as Error).message);
  }
  if (text === undefined) return fail('include_missing', `file "${path}" not found`);
  const parsed = parseJson5(text, path, ctx);
  if (parsed === undefined) return undefined;
  return resolveIncludes(parsed, path, [...stack, path], ctx, []);
}

/** Parse a layer's content and resolve its includes. */
export function loadLayer(layer: LayerSource): { value: JsonObject; issues: Issue[]; files: FileMap } {
  const vfiles = layer.files;
  const read: IncludeReader | undefined = layer.readInclude ?? (vfiles ? (p) => (Object.hasOwn(vfiles, p) ? vfiles[p] : undefined) : undefined);
  const ctx: ParseCtx = { layer: layer.source, read, issues: [] };
  const parsed = typeof layer.content === 'string' ? parseJson5(layer.content, '<content>', ctx) : layer.content;
  if (parsed === undefined) return { value: {}, issues: ctx.issues, files: new Map() };
  const resolved = resolveIncludes(parsed, '', [], ctx, []);
  if (!isPlainObject(resolved.value)) {
    ctx.issues.push(issue('config_not_object', '', `${layer.source}: a config layer must be an object`, { resource: layer.source }));
    return { value: {}, issues: ctx.issues, files: new Map() };
  }
  let value = resolved.value;
  let files = resolved.files;
  const at = layer.at ?? [];
  if (at.length > 0) {
    for (const seg of [...at].reverse()) value = { [seg]: value };
    const prefix = formatConfigPath(at);
    files = new Map([...files].map(([p, f]) => [p === '' ? prefix : p.startsWith('[') ? `${prefix}${p}` : `${prefix}.${p}`, f]));
  }
  return { value, issues: ctx.issues, files };
}

function stripDeleteMarkers(v: JsonValue): JsonValue {
  if (!isPlainObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (!isDeleteMarker(x)) out[k] = stripDeleteMarkers(x);
  return out;
}

function recordLeaves(v: JsonValue, segs: string[], prov: Provenance, source: string | ((leafPath: string) => string)): void {
  if (isPlainObject(v) && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v)) recordLeaves(x, [...segs, k], prov, source);
  } else {
    const p = formatConfigPath(segs);
    prov.set(p, typeof source === 'string' ? source : source(p));
  }
}

/** Drop provenance of what `over` replaces: the leaf itself, or every leaf under a replaced object. */
function forget(base: JsonValue | undefined, segs: string[], prov: Provenance): void {
  if (base === undefined) return;
  if (isPlainObject(base) && Object.keys(base).length > 0) forgetUnder(segs, prov);
  else prov.delete(formatConfigPath(segs));
}

function forgetUnder(segs: string[], prov: Provenance): void {
  const p = formatConfigPath(segs);
  for (const key of [...prov.keys()]) {
    if (key === p || key.startsWith(`${p}.`) || key.startsWith(`${p}[`)) prov.delete(key);
  }
}

/**
 * Merge `over` onto `base`: objects merge key by key, scalars and arrays replace, `{"$delete": true}`
 * removes the key. With `prov`, leaf paths set by `over` are attributed to `source`.
 */
export function mergeValues(base: JsonValue | undefined, over: JsonValue, segs: string[], prov: Provenance | undefined, source: string | ((leafPath: string) => string)): { value: JsonValue; deleted: boolean } {
  if (isDeleteMarker(over)) {
    if (prov) forget(base, segs, prov);
    return { value: null, deleted: true };
  }
  if (isPlainObject(over) && isPlainObject(base)) {
    const out: JsonObject = { ...base };
    if (prov && Object.keys(base).length === 0 && Object.keys(over).length > 0) prov.delete(formatConfigPath(segs));
    for (const [k, v] of Object.entries(over)) {
      const r = mergeValues(Object.hasOwn(base, k) ? base[k] : undefined, v, prov ? [...segs, k] : segs, prov, source);
      if (r.deleted) delete out[k];
      else out[k] = r.value;
    }
    return { value: out, deleted: false };
  }
  const value = stripDeleteMarkers(over);
  if (prov) {
    forget(base, segs, prov);
    recordLeaves(value, segs, prov, source);
  }
  return { value, deleted: false };
}

/** Merge layers in order (later wins). Every layer is loaded, its includes resolved, then merged. */
export function mergeLayers(layers: readonly LayerSource[]): MergedConfig {
  let value: JsonObject = {};
  const provenance: Provenance = new Map();
  const issues: Issue[] = [];
  for (const layer of layers) {
    const loaded = loadLayer(layer);
    issues.push(...loaded.issues);
    const source = loaded.files.size === 0 ? layer.source : (p: string): string => {
      const f = loaded.files.get(p);
      return f ? `${layer.source} (${f})` : layer.source;
    };
    value = mergeValues(value, loaded.value, [], provenance, source).value as JsonObject;
  }
  return { value, provenance, issues };
}

/** Plain deep merge without provenance (objects merge, scalars/arrays replace, `$delete` removes). */
export function deepMerge(base: JsonObject, over: JsonObject): JsonObject {
  return mergeValues(base, over, [], undefined, '').value as JsonObject;
}

export interface PathExplanation {
  path: string;
  /** Leaves at or under `path` with the layer that set each. */
  leaves: { path: string; source: string }[];
  found: boolean;
}

/** Which layer set `path` (or every leaf under it). Pure; used by `clawplane explain`. */
export function explainPath(provenance: Provenance | Record<string, string>, path: string): PathExplanation {
  const entries = provenance instanceof Map ? [...provenance.entries()] : Object.entries(provenance);
  const norm = formatConfigPath(parseConfigPath(path));
  const leaves = entries
    .filter(([p]) => norm === '' || p === norm || p.startsWith(`${norm}.`) || p.startsWith(`${norm}[`))
    .map(([p, source]) => ({ path: p, source }))
    .sort((a, b) => a.path.localeCompare(b.path));
  return { path: norm, leaves, found: leaves.length > 0 };
}

/** `${VAR}` names referenced in string values (OpenClaw semantics: `$${X}` is a literal, names [A-Z_][A-Z0-9_]*). */
export function collectEnvReferences(value: JsonValue, segs: string[] = [], out: { name: string; path: string }[] = []): { name: string; path: string }[] {
  if (typeof value === 'string') {
    if (!value.includes('${')) return out;
    for (const m of value.matchAll(/(\$?)\$\{([A-Za-z0-9_]+)\}/g)) {
      if (m[1] === '$' || !m[2]) continue;
      out.push({ name: m[2], path: formatConfigPath(segs) });
    }
  } else if (value !== null && typeof value === 'object') {
    const entries: [string, JsonValue][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    for (const [k, v] of entries) {
      if (typeof v !== 'string' && (v === null || typeof v !== 'object')) continue;
      segs.push(k);
      collectEnvReferences(v, segs, out);
      segs.pop();
    }
  }
  return out;
}
