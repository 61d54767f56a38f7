// Builds a gateway's DesiredGateway from the stored fleet: plan the org (pure core + the runtime
// adapter's renderer), resolve the secrets its env needs, add the gateway's own auth token.
// A channel account whose credentials have no value is rendered disabled (and reported), so the
// gateway itself still runs and reports ready.
import type { FleetDocument } from '../core/fleet-file.ts';
import { type Issue, issue } from '../core/issues.ts';
import type { EffectiveGateway } from '../core/model.ts';
import { type FleetPlan, planFleet } from '../core/plan-fleet.ts';
import type { RenderedGateway } from '../core/ports/claw-adapter.ts';
import type { SecretDefinition, SecretResolver } from '../core/ports/secrets.ts';
import type { Resource } from '../core/resources.ts';
import { type DesiredGateway, computeSpecHash } from './reconcile-gateway.ts';

export const GATEWAY_TOKEN_ENV = 'OPENCLAW_GATEWAY_TOKEN';
export const RESTARTED_AT_ANNOTATION = 'clawplane.dev/restartedAt';

export interface DesiredStateDeps {
  /** The org's whole desired state (every kind). */
  loadOrgDocuments(org: string): Promise<FleetDocument[]>;
  loadGateway(org: string, name: string): Promise<Resource<'Gateway'> | undefined>;
  render(g: EffectiveGateway): RenderedGateway;
  secrets: SecretResolver;
  /** The gateway's auth token, created on first use and kept by the secrets layer. */
  gatewayToken(org: string, gateway: string): Promise<string>;
  stateDirFor(org: string, name: string, target?: 'process' | 'docker' | 'kubernetes'): string;
  defaultRuntimeVersion: string;
}

export interface DesiredStateLoader {
  load(org: string, name: string): Promise<DesiredGateway | undefined>;
  /** Forget the cached plan of an org (call after any change to its resources). */
  invalidate(org: string): void;
}

interface CachedPlan {
  plan: FleetPlan;
  docs: FleetDocument[];
}

/** Secrets the gateway's env needs. The gateway token is Clawplane's own unless the Gateway names a Secret for it. */
function secretsNeeded(rendered: RenderedGateway, effective: EffectiveGateway): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const ownToken = !effective.spec.env?.[GATEWAY_TOKEN_ENV];
  for (const e of rendered.env) {
    if (e.name === GATEWAY_TOKEN_ENV && ownToken) continue;
    out.set(e.secret, [...(out.get(e.secret) ?? []), e.name]);
  }
  return out;
}

export function createDesiredStateLoader(deps: DesiredStateDeps): DesiredStateLoader {
  const cache = new Map<string, Promise<CachedPlan>>();
  const planOrg = (org: string): Promise<CachedPlan> => {
    let p = cache.get(org);
    if (!p) {
      p = deps.loadOrgDocuments(org).then((docs) => ({
        docs,
        plan: planFleet(docs, { stateDirFor: ({ org: o, name, target }) => deps.stateDirFor(o, name, target), defaultRuntimeVersion: deps.defaultRuntimeVersion, render: deps.render }),
      }));
      p.catch(() => cache.delete(org));
      cache.set(org, p);
    }
    return p;
  };

  return {
    invalidate: (org) => {
      cache.delete(org);
    },
    load: async (org, name) => {
      const resource = await deps.loadGateway(org, name);
      if (!resource) return undefined;
      const { plan, docs } = await planOrg(org);
      const gp = plan.gateways.find((g) => g.gateway === name && g.org === org);
      if (!gp?.rendered) {
        throw new Error(`gateway ${org}/${name} is not in the current plan of its organization`);
      }
      const secretDefs = docs.filter((d) => d.kind === 'Secret') as unknown as SecretDefinition[];
      const needs = secretsNeeded(gp.rendered, gp.effective);
      // Each value resolves in its consumer's namespace: agent → gateway → org (ADR 0012).
      const scoped = new Map<string, string>();
      const secretIssues: Issue[] = [];
      const resolveFor = async (secret: string, agent: string | undefined): Promise<string | undefined> => {
        const k = `${secret}\0${agent ?? ''}`;
        if (!scoped.has(k)) {
          const r = await deps.secrets.resolve(org, secret, secretDefs, { gateway: name, ...(agent ? { agent } : {}) });
          if (r.value !== undefined) scoped.set(k, r.value);
          else secretIssues.push(...r.issues);
        }
        return scoped.get(k);
      };
      const ownToken = !gp.effective.spec.env?.[GATEWAY_TOKEN_ENV];
      const missing: string[] = [];
      for (const e of gp.rendered.env) {
        if (e.name === GATEWAY_TOKEN_ENV && ownToken) continue;
        if ((await resolveFor(e.secret, e.agent)) === undefined && !missing.includes(e.secret)) missing.push(e.secret);
      }
      const issues: Issue[] = [...gp.issues];
      let effective = gp.effective;
      let rendered = gp.rendered;
      if (missing.length > 0) {
        // Re-render with the accounts whose credentials are missing switched off.
        const off = new Set(effective.accounts.filter((a) => Object.values(a.spec.credentials ?? {}).some((c) => missing.includes(c.secretRef))).map((a) => a.name));
        effective = {
          ...effective,
          accounts: effective.accounts.map((a) => (off.has(a.name) ? { ...a, spec: { ...a.spec, settings: { ...(a.spec.settings ?? {}), enabled: false } } } : a)),
        };
        rendered = deps.render(effective);
        for (const a of off) {
          issues.push(issue('credentials_missing', 'spec.credentials', `ChannelAccount ${a} is disabled: its credentials have no value yet (${secretIssues.map((i) => i.message).join('; ')})`, { severity: 'warning', resource: `ChannelAccount/${a}`, hint: 'set the secret, then the account is enabled on the next reconcile' }));
        }
      }
      const env: Record<string, string> = {};
      for (const e of rendered.env) {
        if (e.name === GATEWAY_TOKEN_ENV && ownToken) continue;
        const v = needs.has(e.secret) ? await resolveFor(e.secret, e.agent) : undefined;
        if (v !== undefined) env[e.name] = v;
      }
      env[GATEWAY_TOKEN_ENV] ??= await deps.gatewayToken(org, name);
      // `clawplane restart` bumps this annotation; as part of the start env it forces a restart.
      const restartedAt = resource.metadata.annotations?.[RESTARTED_AT_ANNOTATION];
      if (restartedAt) env.CLAWPLANE_RESTARTED_AT = restartedAt;
      rendered = { ...rendered, issues: [...rendered.issues, ...issues.filter((i) => !rendered.issues.includes(i))] };
      return { resource, effective, rendered, env, specHash: computeSpecHash({ effective, rendered, env }) };
    },
  };
}
