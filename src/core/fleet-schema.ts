// JSON Schema of fleet-file documents (published as schemas/fleet.schema.json and used by OpenAPI).
import { z } from 'zod';
import { API_VERSION, kindNames, kinds, metadataSchema } from './resources.ts';

export function documentJsonSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of kindNames) {
    const doc = z.object({
      apiVersion: z.literal(API_VERSION),
      kind: z.literal(k),
      metadata: metadataSchema,
      spec: kinds[k].spec,
    });
    out[k] = z.toJSONSchema(doc, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  }
  return out;
}

/** One schema for a fleet-file document of any kind (a YAML file holds several). */
export function fleetJsonSchema(): Record<string, unknown> {
  const per = documentJsonSchemas();
  const defs: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(per)) {
    const { $schema: _drop, ...rest } = s as Record<string, unknown>;
    defs[k] = rest;
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://clawplane.dev/schemas/fleet.schema.json',
    title: 'Clawplane fleet document',
    description: `One document of a Clawplane fleet file (${API_VERSION}).`,
    oneOf: kindNames.map((k) => ({ $ref: `#/$defs/${k}` })),
    $defs: defs,
  };
}
