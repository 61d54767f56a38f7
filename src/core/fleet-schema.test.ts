import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fleetJsonSchema } from './fleet-schema.ts';

const root = join(import.meta.dirname, '..', '..');

describe('published fleet JSON Schema', () => {
  it('is up to date with the resource schemas (run `npm run schema`)', () => {
    const committed = JSON.parse(readFileSync(join(root, 'schemas', 'fleet.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(fleetJsonSchema())));
  });

  it('accepts every document of examples/fleet.yaml and rejects an unknown field', () => {
    const ajv = new Ajv2020.default({ strict: false, allErrors: false });
    const validate = ajv.compile(fleetJsonSchema());
    const docs = parseAllDocuments(readFileSync(join(root, 'examples', 'fleet.yaml'), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
    for (const d of docs) expect(validate({ apiVersion: 'clawplane.dev/v1alpha1', ...d }), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(parse('{apiVersion: clawplane.dev/v1alpha1, kind: Gateway, metadata: {name: a}, spec: {bogus: 1}}'))).toBe(false);
  });
});
