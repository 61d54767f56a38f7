// Render + validate against the pinned schema: what the ClawAdapter's `render` should do.
import type { EffectiveGateway } from '../../core/model.ts';
import { type RenderedOpenClaw, renderOpenClawConfig } from './render.ts';
import type { OpenClawSchemaValidator } from './schema-validate.ts';

export function createValidatedRenderer(validator: OpenClawSchemaValidator): (g: EffectiveGateway) => RenderedOpenClaw {
  return (g) => {
    const r = renderOpenClawConfig(g);
    const schemaIssues = validator.validate(r.config, g.runtime.version).map((i) => ({ ...i, resource: `Gateway/${g.name}` }));
    return schemaIssues.length > 0 ? { ...r, issues: [...r.issues, ...schemaIssues] } : r;
  };
}
