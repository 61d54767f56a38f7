// The offline pipeline shared by render / plan / lint: parse the fleet file, check references,
// plan every gateway with the runtime adapter's renderer and the pinned OpenClaw schema.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type OpenClawSchemaValidator, createOpenClawSchemaValidator } from '../../adapters/openclaw/schema-validate.ts';
import { renderWith } from '../../adapters/render-gateway.ts';
import { checkReferences, parseFleet } from '../../core/fleet-file.ts';
import { type Issue, hasErrors } from '../../core/issues.ts';
import { type FleetPlan, planFleet } from '../../core/plan-fleet.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface PipelineOptions {
  /** Root under which each gateway gets <org>/<gateway>/state; default ./.clawplane/state. */
  stateRoot?: string;
  /** Fixed state dir for every gateway (container targets: the path inside the container). */
  stateDir?: string;
  defaultRuntimeVersion?: string;
  validator?: OpenClawSchemaValidator;
}

export interface PipelineResult {
  plan?: FleetPlan;
  /** Parse/reference issues (the plan is only made when there are none). */
  issues: Issue[];
  ok: boolean;
}

export function defaultRuntimeVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'openclaw-versions.json'), 'utf8')) as { default: string }).default;
}

export { renderWith };

export function runPipeline(text: string, filename: string, opts: PipelineOptions = {}): PipelineResult {
  const parsed = parseFleet(text, filename);
  const issues = [...parsed.issues, ...checkReferences(parsed.documents)];
  if (hasErrors(issues)) return { issues, ok: false };
  const stateRoot = resolve(opts.stateRoot ?? '.clawplane/state');
  const validator = opts.validator ?? createOpenClawSchemaValidator(join(REPO_ROOT, 'schemas'));
  const plan = planFleet(parsed.documents, {
    stateDirFor: ({ org, name }) => opts.stateDir ?? join(stateRoot, org, name),
    defaultRuntimeVersion: opts.defaultRuntimeVersion ?? defaultRuntimeVersion(),
    render: renderWith(validator),
  });
  return { plan, issues, ok: plan.ok && !hasErrors(issues) };
}
