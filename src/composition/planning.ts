// Planning and explain for the server: the same pure pipeline as the offline CLI verbs.
import { join } from 'node:path';
import { renderWith } from '../adapters/render-gateway.ts';
import { createOpenClawSchemaValidator } from '../adapters/openclaw/schema-validate.ts';
import type { RenderedOpenClaw } from '../adapters/openclaw/render.ts';
import { explainPath } from '../core/config-layers.ts';
import type { FleetDocument } from '../core/fleet-file.ts';
import { hasErrors } from '../core/issues.ts';
import type { EffectiveGateway } from '../core/model.ts';
import { type FleetPlan, planFleet } from '../core/plan-fleet.ts';
import { diffJson } from '../core/json-diff.ts';
import type { RenderedGateway } from '../core/ports/claw-adapter.ts';

export interface Planning {
  /** Compile the OpenClaw schema of a version now (6–8 s once) instead of on the first apply. */
  warm(version: string): void;
  render: (g: EffectiveGateway) => RenderedGateway;
  plan(docs: FleetDocument[]): FleetPlan;
  /** JSON summary for POST /v1/plan; `deployed` gives the config on the target for a diff. */
  summarize(plan: FleetPlan, deployed: (gateway: string) => Promise<string | undefined>): Promise<unknown>;
  explain(docs: FleetDocument[], gateway: string, path: string | undefined): unknown;
}

export function createPlanning(opts: { repoRoot: string; stateDirFor: (org: string, name: string, target?: 'process' | 'docker' | 'kubernetes') => string; defaultRuntimeVersion: string }): Planning {
  const validator = createOpenClawSchemaValidator(join(opts.repoRoot, 'schemas'));
  const render = renderWith(validator);
  const plan = (docs: FleetDocument[]): FleetPlan =>
    planFleet(docs, { stateDirFor: ({ org, name, target }) => opts.stateDirFor(org, name, target), defaultRuntimeVersion: opts.defaultRuntimeVersion, render });
  return {
    warm: (version) => {
      validator.validate({}, version);
    },
    render,
    plan,
    summarize: async (p, deployed) => {
      const gateways = [];
      for (const g of p.gateways) {
        const rendered = g.rendered as RenderedOpenClaw | undefined;
        const config = rendered?.config;
        let diff: unknown;
        const current = await deployed(g.gateway);
        if (current !== undefined && config) {
          try {
            diff = diffJson(JSON.parse(current) as unknown, config);
          } catch {
            diff = 'the deployed config is not JSON';
          }
        }
        gateways.push({
          gateway: g.gateway,
          ok: !hasErrors(g.issues),
          issues: g.issues,
          routing: g.routing,
          policy: g.policy,
          config,
          env: rendered?.env.map((e) => e.name) ?? [],
          diffAgainstDeployed: diff ?? (current === undefined ? 'not deployed yet' : []),
        });
      }
      return { ok: p.ok, issues: p.issues, gateways };
    },
    explain: (docs, gateway, path) => {
      const p = plan(docs);
      const g = p.gateways.find((x) => x.gateway === gateway);
      if (!g) return { gateway, found: false };
      const provenance = (g.rendered as RenderedOpenClaw | undefined)?.provenance ?? {};
      return {
        gateway,
        ...(path ? { path: explainPath(provenance, path) } : { provenance }),
        policy: g.policy,
      };
    },
  };
}
