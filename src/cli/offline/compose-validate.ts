// Validate a Compose project against the Compose Specification JSON schema vendored in
// schemas/compose-spec.json (from Debian's docker-compose 1.29.2; see compose-spec.LICENSE.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import type { Issue } from '../../core/issues.ts';

/** The spec still carries draft-04 `id` strings, which ajv refuses; they are only labels here. */
function stripDraft4Ids(node: unknown): void {
  if (Array.isArray(node)) for (const n of node) stripDraft4Ids(n);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.id === 'string') delete o.id;
    for (const v of Object.values(o)) stripDraft4Ids(v);
  }
}

export function createComposeValidator(schemaDir: string): (project: unknown) => Issue[] {
  const schema = JSON.parse(readFileSync(join(schemaDir, 'compose-spec.json'), 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  stripDraft4Ids(schema);
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false, logger: false });
  const validate = ajv.compile(schema);
  return (project) => {
    if (validate(project)) return [];
    return (validate.errors ?? []).map((e) => ({
      code: 'compose_schema',
      severity: 'error' as const,
      path: e.instancePath.split('/').slice(1).join('.'),
      message: `compose file does not match the Compose specification: ${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
    }));
  };
}
