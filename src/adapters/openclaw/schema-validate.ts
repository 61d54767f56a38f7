// Validate a rendered openclaw.json against the JSON Schema the pinned OpenClaw produces
// (`openclaw config schema`, committed as schemas/openclaw-<version>.schema.json by
// scripts/generate-schemas.ts). Each version's schema is compiled lazily, once per validator
// (~4-5 s for the 1.7 MB schema; reuse one validator per process). allErrors is off: it doubles
// validation time, and the first error per failing config is enough to block and fix it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Issue } from '../../core/issues.ts';

export interface OpenClawSchemaValidator {
  /** Issues for `config` (empty when valid). An unknown version is an error issue. */
  validate(config: unknown, version: string): Issue[];
}

function toPath(instancePath: string): string {
  return instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
}

/** `schemaDir` holds openclaw-<version>.schema.json files (the repo's schemas/ directory). */
export function createOpenClawSchemaValidator(schemaDir: string): OpenClawSchemaValidator {
  const compiled = new Map<string, ValidateFunction | Error>();
  const get = (version: string): ValidateFunction | Error => {
    let v = compiled.get(version);
    if (!v) {
      try {
        const schema = JSON.parse(readFileSync(join(schemaDir, `openclaw-${version}.schema.json`), 'utf8')) as object;
        const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false, logger: false, useDefaults: true });
        v = ajv.compile(schema);
      } catch (e) {
        v = e as Error;
      }
      compiled.set(version, v);
    }
    return v;
  };
  return {
    validate(config, version) {
      const fn = get(version);
      if (fn instanceof Error) {
        return [{ code: 'schema_unavailable', severity: 'error', path: '', message: `no OpenClaw ${version} schema: ${fn.message}`, hint: 'run npm run schema' }];
      }
      // OpenClaw parses with zod, which fills defaults before checking `required`: validate a clone
      // with ajv's useDefaults to get the same answer without touching the caller's object.
      if (fn(structuredClone(config))) return [];
      const seen = new Set<string>();
      const issues: Issue[] = [];
      for (const e of fn.errors ?? []) {
        const extra = e.keyword === 'additionalProperties' ? ` "${String((e.params as { additionalProperty?: unknown }).additionalProperty)}"` : '';
        const msg = `${e.message ?? 'invalid'}${extra}`;
        const key = `${e.instancePath}|${msg}`;
        if (seen.has(key)) continue;
        seen.add(key);
        issues.push({ code: 'openclaw_schema', severity: 'error', path: toPath(e.instancePath), message: `openclaw.json ${toPath(e.instancePath) || '<root>'}: ${msg}`, hint: `see \`openclaw config schema\` of ${version}` });
      }
      return issues;
    },
  };
}
