// One render function for every runtime kind: NanoClaw's renderer, or OpenClaw's renderer
// validated against the pinned OpenClaw schema. Used by the server and the offline CLI verbs.
import { renderNanoClaw } from './nanoclaw/render.ts';
import { createValidatedRenderer } from './openclaw/render-validated.ts';
import type { OpenClawSchemaValidator } from './openclaw/schema-validate.ts';
import type { EffectiveGateway } from '../core/model.ts';
import type { RenderedGateway } from '../core/ports/claw-adapter.ts';

export function renderWith(validator: OpenClawSchemaValidator): (g: EffectiveGateway) => RenderedGateway {
  const openclaw = createValidatedRenderer(validator);
  return (g) => (g.runtime.kind === 'nanoclaw' ? renderNanoClaw(g) : openclaw(g));
}
