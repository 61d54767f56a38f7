// Fleet files: multi-document YAML or JSON5. Parse → validate every document → check references.
// All-or-nothing: callers apply only when no error issue is returned.
import JSON5 from 'json5';
import { parseAllDocuments } from 'yaml';
import { type Issue, formatPath, issue } from './issues.ts';
import { z } from 'zod';
import { API_VERSION, type Kind, documentSchema, isKind, kindNames, kinds, metadataSchema } from './resources.ts';

export const MAX_FLEET_FILE_BYTES = 8 * 1024 * 1024;
export const MAX_DOCUMENTS = 20_000;

/** A validated, defaulted document as the user wrote it (no server fields). */
export interface FleetDocument {
  apiVersion: typeof API_VERSION;
  kind: Kind;
  metadata: { name: string; org: string; group?: string; gateway?: string; labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: number };
  spec: Record<string, unknown>;
  /** Index of the document in its file. */
  index: number;
}

export interface ParseResult {
  documents: FleetDocument[];
  issues: Issue[];
}

/** Split a fleet file's text into raw objects. JSON5 for `.json`/`.json5` or text starting with `{`/`[`. */
export function splitFleetText(text: string, filename = 'fleet.yaml'): { raw: unknown[]; issues: Issue[] } {
  if (text.length > MAX_FLEET_FILE_BYTES) {
    return { raw: [], issues: [issue('too_large', '', `${filename} is ${text.length} bytes; the limit is ${MAX_FLEET_FILE_BYTES}`)] };
  }
  const looksJson = /\.json5?$/i.test(filename) || /^\s*[[{]/.test(text);
  if (looksJson) {
    try {
      const value: unknown = JSON5.parse(text);
      return { raw: Array.isArray(value) ? value : [value], issues: [] };
    } catch (e) {
      return { raw: [], issues: [issue('parse_error', '', `${filename}: JSON5 parse error: ${(e as Error).message}`)] };
    }
  }
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const raw: unknown[] = [];
  const issues: Issue[] = [];
  list.forEach((d, index) => {
    if (d.errors.length > 0) {
      for (const err of d.errors) issues.push(issue('parse_error', '', `${filename}: YAML: ${err.message.split('\n')[0]}`, { document: index }));
      return;
    }
    try {
      const value: unknown = d.toJS({ maxAliasCount: 100 });
      if (value !== null && value !== undefined) raw.push(value);
    } catch (e) {
      issues.push(issue('parse_error', '', `${filename}: YAML: ${(e as Error).message}`, { document: index }));
    }
  });
  if (raw.length > MAX_DOCUMENTS) issues.push(issue('too_many_documents', '', `${raw.length} documents; the limit is ${MAX_DOCUMENTS}`));
  return { raw, issues };
}

/** Validate one raw document (also used for API bodies). `defaultOrg` fills metadata.org. */
export function validateDocument(raw: unknown, index: number, defaultOrg?: string): { doc?: FleetDocument; issues: Issue[] } {
  const at = (extra: Partial<Issue>): Partial<Issue> => ({ document: index, ...extra });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { issues: [issue('invalid_document', '', 'a document must be an object with apiVersion, kind, metadata and spec', at({}))] };
  }
  const obj: Record<string, unknown> = { apiVersion: API_VERSION, ...(raw as Record<string, unknown>) };
  const kindName = typeof obj.kind === 'string' ? obj.kind : '';
  const resource = `${kindName || '?'}/${String((obj.metadata as { name?: unknown } | undefined)?.name ?? '?')}`;
  const envelope = documentSchema.extend({ metadata: z.unknown() }).safeParse(obj);
  if (!envelope.success) {
    return { issues: envelope.error.issues.map((z) => issue('invalid_field', formatPath(z.path), z.message, at({ resource }))) };
  }
  const { kind } = envelope.data;
  if (!isKind(kind)) {
    return { issues: [issue('unknown_kind', 'kind', `unknown kind "${kind}"; expected one of ${kindNames.join(', ')}`, at({ resource }))] };
  }
  const def = kinds[kind];
  const issues: Issue[] = [];
  const meta = metadataSchema.safeParse(envelope.data.metadata);
  if (!meta.success) {
    for (const z of meta.error.issues) issues.push(issue('invalid_field', formatPath(['metadata', ...z.path]), z.message, at({ resource })));
  }
  const spec = def.spec.safeParse(envelope.data.spec ?? {});
  if (!spec.success) {
    for (const z of spec.error.issues) issues.push(issue('invalid_field', formatPath(['spec', ...z.path]), z.message, at({ resource })));
  }
  if (!meta.success) return { issues };
  const metadata = meta.data;
  const org = kind === 'Organization' ? metadata.name : (metadata.org ?? defaultOrg);
  if (!org) issues.push(issue('missing_org', 'metadata.org', 'metadata.org is required (or put exactly one Organization in the file)', at({ resource })));
  if (def.parent === 'gateway' && !metadata.gateway) {
    issues.push(issue('missing_gateway', 'metadata.gateway', `a ${kind} belongs to a gateway: set metadata.gateway`, at({ resource })));
  }
  if (issues.length > 0 || !spec.success || !org) return { issues };
  const { resourceVersion, name, group, gateway, labels, annotations } = metadata;
  const md: FleetDocument['metadata'] = { name, org };
  if (group) md.group = group;
  if (gateway) md.gateway = gateway;
  if (labels) md.labels = labels;
  if (annotations) md.annotations = annotations;
  if (resourceVersion !== undefined) md.resourceVersion = resourceVersion;
  return { doc: { apiVersion: API_VERSION, kind, metadata: md, spec: spec.data as Record<string, unknown>, index }, issues: [] };
}

/** Parse and validate a whole fleet file. */
export function parseFleet(text: string, filename?: string, opts: { defaultOrg?: string } = {}): ParseResult {
  const { raw, issues } = splitFleetText(text, filename);
  if (issues.length > 0) return { documents: [], issues };
  const orgs = raw.filter((r) => (r as { kind?: unknown } | null)?.kind === 'Organization');
  const defaultOrg =
    orgs.length === 1 ? ((orgs[0] as { metadata?: { name?: unknown } }).metadata?.name as string | undefined) : opts.defaultOrg;
  const documents: FleetDocument[] = [];
  const all: Issue[] = [];
  raw.forEach((r, i) => {
    const { doc, issues: found } = validateDocument(r, i, typeof defaultOrg === 'string' ? defaultOrg : undefined);
    all.push(...found);
    if (doc) documents.push(doc);
  });
  const seen = new Map<string, number>();
  for (const d of documents) {
    const key = `${d.metadata.org}/${d.kind}/${d.metadata.name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      all.push(issue('duplicate', 'metadata.name', `${d.kind}/${d.metadata.name} is already defined in document ${first}`, { document: d.index, resource: `${d.kind}/${d.metadata.name}` }));
    } else seen.set(key, d.index);
  }
  return { documents, issues: all };
}

/** What a reference check may look up besides the documents themselves (e.g. the store). */
export type Lookup = (org: string, kind: Kind, name: string) => boolean;

/** Dangling references: an Agent on a missing Gateway, a Binding to a missing Agent, … */
export function checkReferences(documents: readonly FleetDocument[], exists: Lookup = () => false): Issue[] {
  const inFile = new Set(documents.map((d) => `${d.metadata.org}/${d.kind}/${d.metadata.name}`));
  const has = (org: string, kind: Kind, name: string): boolean => inFile.has(`${org}/${kind}/${name}`) || exists(org, kind, name);
  const issues: Issue[] = [];
  for (const d of documents) {
    const org = d.metadata.org;
    const at = { document: d.index, resource: `${d.kind}/${d.metadata.name}` };
    const need = (kind: Kind, name: string | undefined, path: string): void => {
      if (name && !has(org, kind, name)) issues.push(issue('dangling_reference', path, `${kind} "${name}" does not exist in org "${org}"`, at));
    };
    if (d.kind !== 'Organization') need('Organization', org, 'metadata.org');
    need('Group', d.metadata.group, 'metadata.group');
    need('Gateway', d.metadata.gateway, 'metadata.gateway');
    const spec = d.spec as Record<string, unknown>;
    if (d.kind === 'ChannelAccount' || d.kind === 'Binding') need('Agent', spec.agent as string, 'spec.agent');
    if (d.kind === 'ChannelAccount') {
      for (const [field, ref] of Object.entries((spec.credentials ?? {}) as Record<string, { secretRef: string }>)) {
        need('Secret', ref.secretRef, `spec.credentials.${field}.secretRef`);
      }
    }
    if (d.kind === 'Gateway') {
      for (const [name, ref] of Object.entries((spec.env ?? {}) as Record<string, { secretRef: string }>)) need('Secret', ref.secretRef, `spec.env.${name}.secretRef`);
    }
    if (d.kind === 'Team') {
      need('Agent', spec.lead as string, 'spec.lead');
      (spec.members as string[]).forEach((m, i) => need('Agent', m, `spec.members[${i}]`));
    }
    if (d.kind === 'ConfigTemplate' || d.kind === 'Policy') {
      const scope = spec.scope as { kind: string; name?: string };
      const map: Record<string, Kind> = { group: 'Group', gateway: 'Gateway', agent: 'Agent' };
      const k = map[scope.kind];
      if (k) need(k, scope.name, 'spec.scope.name');
    }
  }
  return issues;
}
