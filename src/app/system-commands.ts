// Control-plane wide operations: shutdown, runtime versions. Global admins only.
import { type Actor, isGlobalAdmin } from './actor.ts';
import type { AppDeps, RuntimeVersionInfo } from './app-deps.ts';
import { AppError } from './app-error.ts';
import { listAll } from './org-state.ts';

function requireGlobalAdmin(actor: Actor, what: string): void {
  if (!isGlobalAdmin(actor)) throw new AppError('forbidden', `${what} needs a global admin`);
}

export async function shutdown(deps: AppDeps, actor: Actor, opts: { stopGateways: boolean }): Promise<{ stopped: string[] }> {
  requireGlobalAdmin(actor, 'shutting down the control plane');
  if (!deps.system) throw new AppError('unavailable', 'shutdown is not available on this server');
  return deps.system.shutdown(opts);
}

const VERSION = /^\d{4}\.\d{1,2}\.\d{1,3}(-[0-9A-Za-z.-]+)?$/;

function checkRuntime(kind: string, version: string): void {
  if (kind !== 'openclaw') throw new AppError('invalid', `unknown runtime kind "${kind}"; supported: openclaw`);
  if (!VERSION.test(version)) throw new AppError('invalid', `"${version}" is not a version like 2026.9.6`);
}

export async function installRuntimeVersion(deps: AppDeps, actor: Actor, kind: string, version: string): Promise<RuntimeVersionInfo> {
  requireGlobalAdmin(actor, 'installing runtimes');
  checkRuntime(kind, version);
  if (!deps.runtimes) throw new AppError('unavailable', 'runtime management is not available on this server');
  return deps.runtimes.install(kind, version);
}

export async function listRuntimeVersions(deps: AppDeps, actor: Actor): Promise<RuntimeVersionInfo[]> {
  if (actor.grants.length === 0) throw new AppError('forbidden', 'listing runtimes needs a role');
  if (!deps.runtimes) throw new AppError('unavailable', 'runtime management is not available on this server');
  return deps.runtimes.list();
}

export async function removeRuntimeVersion(deps: AppDeps, actor: Actor, kind: string, version: string): Promise<void> {
  requireGlobalAdmin(actor, 'removing runtimes');
  checkRuntime(kind, version);
  if (!deps.runtimes) throw new AppError('unavailable', 'runtime management is not available on this server');
  const users: string[] = [];
  await deps.store.transaction(async (repos) => {
    for (const org of await repos.resources.listOrganizations()) {
      const orgDefault = org.spec.defaults?.runtime?.version;
      for (const g of await listAll(repos, org.metadata.name, 'Gateway')) {
        const status = (g.status ?? {}) as { runtimeVersion?: string };
        if ((g.spec.runtime?.version ?? status.runtimeVersion ?? orgDefault) === version) users.push(`${org.metadata.name}/${g.metadata.name}`);
      }
    }
  });
  if (users.length > 0) throw new AppError('conflict', `openclaw@${version} is used by gateway(s) ${users.join(', ')}`);
  if (!(await deps.runtimes.remove(kind, version))) throw new AppError('not_found', `${kind}@${version} is not installed`);
}
