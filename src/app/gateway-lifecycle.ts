// start | stop | restart | kill | destroy, for one gateway or many (label selector, group, names).
import type { Resource } from '../core/resources.ts';
import { type Actor, authorize } from './actor.ts';
import type { AppDeps } from './app-deps.ts';
import { AppError, isAppError } from './app-error.ts';
import { listAll } from './org-state.ts';
import { recordAudit } from './record-audit.ts';
import { deleteResource } from './resource-commands.ts';

export const lifecycleActions = ['start', 'stop', 'restart', 'kill', 'destroy'] as const;
export type LifecycleAction = (typeof lifecycleActions)[number];
export const RESTARTED_AT = 'clawplane.dev/restartedAt';

export interface LifecycleOutcome {
  gateway: string;
  action: LifecycleAction;
  ok: boolean;
  result: string;
  archive?: string;
}

export interface GatewaySelector {
  names?: string[];
  labels?: Record<string, string>;
  group?: string;
}

async function setDesired(deps: AppDeps, actor: Actor, org: string, gw: Resource<'Gateway'>, change: { desiredState?: 'running' | 'stopped'; restartedAt?: string }, action: string): Promise<boolean> {
  const now = deps.now();
  const spec = { ...gw.spec, ...(change.desiredState ? { desiredState: change.desiredState } : {}) };
  const annotations = { ...(gw.metadata.annotations ?? {}), ...(change.restartedAt ? { [RESTARTED_AT]: change.restartedAt } : {}) };
  if (spec.desiredState === gw.spec.desiredState && !change.restartedAt) return false;
  await deps.store.transaction(async (repos) => {
    const { name, group, labels } = gw.metadata;
    await repos.resources.update({ kind: 'Gateway', metadata: { name, org, ...(group ? { group } : {}), ...(labels ? { labels } : {}), annotations }, spec }, now.toISOString(), gw.metadata.resourceVersion);
    await recordAudit(repos, actor, { org, action: `gateway.${action}`, target: `Gateway/${name}`, diff: change }, now);
  });
  deps.events.publish({ type: 'MODIFIED', org, kind: 'Gateway', name: gw.metadata.name, time: now.toISOString() });
  deps.onChange?.({ org, kind: 'Gateway', name: gw.metadata.name });
  return true;
}

async function runOne(deps: AppDeps, actor: Actor, org: string, gw: Resource<'Gateway'>, action: LifecycleAction): Promise<LifecycleOutcome> {
  const name = gw.metadata.name;
  switch (action) {
    case 'start':
      return { gateway: name, action, ok: true, result: (await setDesired(deps, actor, org, gw, { desiredState: 'running' }, action)) ? 'starting' : 'already running' };
    case 'stop':
      return { gateway: name, action, ok: true, result: (await setDesired(deps, actor, org, gw, { desiredState: 'stopped' }, action)) ? 'stopping' : 'already stopped' };
    case 'restart':
      await setDesired(deps, actor, org, gw, { desiredState: 'running', restartedAt: deps.now().toISOString() }, action);
      return { gateway: name, action, ok: true, result: 'restarting' };
    case 'kill': {
      if (!deps.runtime) throw new AppError('unavailable', 'no runtime is attached to this control plane');
      await setDesired(deps, actor, org, gw, { desiredState: 'stopped' }, action);
      await deps.runtime.kill(org, name);
      return { gateway: name, action, ok: true, result: 'killed (SIGKILL); desired state is now stopped' };
    }
    case 'destroy': {
      if (!deps.runtime) throw new AppError('unavailable', 'no runtime is attached to this control plane');
      // Delete the desired state first so no reconcile pass can start the gateway again, then remove
      // the runtime (the reconciler, seeing the deletion, converges to the same end state).
      const { deleted } = await deleteResource(deps, actor, org, 'Gateway', name);
      const { archive } = await deps.runtime.destroy(org, name);
      return { gateway: name, action, ok: true, result: `destroyed: removed ${deleted.map((d) => `${d.kind}/${d.name}`).join(', ')}`, ...(archive ? { archive } : {}) };
    }
  }
}

export async function runLifecycle(deps: AppDeps, actor: Actor, org: string, action: LifecycleAction, selector: GatewaySelector): Promise<LifecycleOutcome[]> {
  authorize(actor, org, 'write');
  if (!lifecycleActions.includes(action)) throw new AppError('invalid', `unknown action "${String(action)}"; expected ${lifecycleActions.join(', ')}`);
  const all = await deps.store.transaction((repos) => listAll(repos, org, 'Gateway', { ...(selector.labels ? { labels: selector.labels } : {}), ...(selector.group ? { group: selector.group } : {}) }));
  let chosen = all;
  if (selector.names && selector.names.length > 0) {
    const missing = selector.names.filter((n) => !all.some((g) => g.metadata.name === n));
    if (missing.length > 0) throw new AppError('not_found', `Gateway ${missing.map((m) => `"${m}"`).join(', ')} not found in organization "${org}"`);
    chosen = all.filter((g) => selector.names!.includes(g.metadata.name));
  } else if (!selector.labels && !selector.group) {
    throw new AppError('invalid', 'select gateways by name, label selector or group');
  }
  const out: LifecycleOutcome[] = [];
  for (const gw of chosen) {
    try {
      out.push(await runOne(deps, actor, org, gw, action));
    } catch (e) {
      if (!isAppError(e) || e.code === 'forbidden') throw e;
      out.push({ gateway: gw.metadata.name, action, ok: false, result: e.message });
    }
  }
  return out;
}
