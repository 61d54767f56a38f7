// Wires the scheduled rotation job: collects every org's Secrets, local values and gateway token
// ages, and acts through the app's use cases as the system actor (audited secret.rotate /
// secret.rotation-due by system:reconciler).
import type { Logger } from 'pino';
import { SYSTEM_ACTOR } from '../app/actor.ts';
import type { AppDeps } from '../app/app-deps.ts';
import { listAll } from '../app/org-state.ts';
import { recordAudit } from '../app/record-audit.ts';
import { renewGeneratedValue, rollGateway } from '../app/secret-commands.ts';
import type { RotationInput } from '../core/secret-rotation.ts';
import type { Clock } from '../reconciler/clock.ts';
import { type RotationScheduler, createRotationScheduler } from '../reconciler/rotation-scheduler.ts';

export function createRotationJob(opts: { deps: AppDeps; clock: Clock; log: Logger; intervalMs?: number }): RotationScheduler {
  const { deps } = opts;
  return createRotationScheduler({
    clock: opts.clock,
    ...(opts.intervalMs ? { intervalMs: opts.intervalMs } : {}),
    collect: async () => {
      const orgs = await deps.store.transaction((repos) => repos.resources.listOrganizations());
      const out: RotationInput[] = [];
      for (const o of orgs) {
        const org = o.metadata.name;
        const { secrets, gateways } = await deps.store.transaction(async (repos) => ({ secrets: await listAll(repos, org, 'Secret'), gateways: await listAll(repos, org, 'Gateway') }));
        const values = deps.secretValues ? await deps.secretValues.entries(org) : [];
        const gws: RotationInput['gateways'] = [];
        for (const g of gateways) {
          if ((g.spec as { env?: Record<string, unknown> }).env?.OPENCLAW_GATEWAY_TOKEN !== undefined) continue;
          const info = await deps.runtime?.gatewayTokenInfo?.(org, g.metadata.name);
          gws.push({ name: g.metadata.name, running: g.spec.desiredState !== 'stopped', ...(info ? { tokenUpdatedAt: info.updatedAt } : {}) });
        }
        out.push({
          org, ...(o.spec.defaults?.secretRotationDays ? { orgDays: o.spec.defaults.secretRotationDays } : {}),
          secrets: secrets.map((s) => ({ name: s.metadata.name, provider: s.spec.provider, ...(s.spec.rotation ? { rotation: s.spec.rotation } : {}) })),
          values: values.map((v) => ({ name: v.name, scope: v.scope, updatedAt: v.updatedAt })), gateways: gws,
        });
      }
      return out;
    },
    renew: async (org, name, scope) => {
      await renewGeneratedValue(deps, SYSTEM_ACTOR, org, name, scope, 'scheduled');
      deps.onChange?.({ org, kind: 'Secret', name });
    },
    reportDue: (org, name, scope, dueAt) =>
      deps.store.transaction((repos) => recordAudit(repos, SYSTEM_ACTOR, { org, action: 'secret.rotation-due', target: `Secret/${name}`, diff: { dueAt, ...(scope ? { scope } : {}), hint: `clawplane secrets rotate ${name} < NEW_VALUE` } }, deps.now())),
    roll: (org, gateway) => rollGateway(deps, SYSTEM_ACTOR, org, gateway, 'scheduled'),
    onError: (where, err) => opts.log.warn({ where, err: err instanceof Error ? err.message : String(err) }, 'scheduled rotation failed'),
  });
}
