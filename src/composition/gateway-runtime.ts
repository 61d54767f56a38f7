// Wires the process runtime: driver, secrets, desired-state loader, reconciler and controller,
// and the runtime-side operations the app's lifecycle verbs need.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { checkConfigApplied, lookupReloadKind, probeOpenClaw } from '../adapters/openclaw/probe.ts';
import { installRuntime, listRuntimes, removeRuntime } from '../adapters/openclaw/runtime-install.ts';
import type { AppDeps, GatewayRuntimeOps, RuntimeVersionOps } from '../app/app-deps.ts';
import { SYSTEM_ACTOR } from '../app/actor.ts';
import { listAll, loadOrgDocuments } from '../app/org-state.ts';
import { recordAudit } from '../app/record-audit.ts';
import { writeStatus } from '../app/resource-commands.ts';
import { heldRevision } from '../core/rollout.ts';
import type { SecretsProvider } from '../core/ports/secrets.ts';
import type { GatewayStatus } from '../core/status.ts';
import { createSystemClock } from '../reconciler/clock.ts';
import { type GatewayController, createGatewayController } from '../reconciler/controller.ts';
import { GATEWAY_TOKEN_ENV, createDesiredStateLoader, type DesiredStateLoader } from '../reconciler/desired-state.ts';
import { deploymentId } from '../reconciler/gateway-key.ts';
import { type DesiredGateway, reconcileGateway } from '../reconciler/reconcile-gateway.ts';
import { createStatsSampler } from '../reconciler/stats-sampler.ts';
import { applyPinnedRevision, pinnedRevisionOf, planRevision } from '../reconciler/revisions.ts';
import { createEnvSecretsProvider } from '../secrets/env-provider.ts';
import { createFileSecretsProvider } from '../secrets/file-provider.ts';
import { type LocalSecretStore, createLocalSecretStore } from '../secrets/local-store.ts';
import { createSecretResolver } from '../secrets/resolver.ts';
import { generateToken } from '../secrets/token.ts';
import { createDeviceOps } from './devices.ts';
import type { Planning } from './planning.ts';
import { createRuntimeDrivers, stateDirForTarget } from './runtime-drivers.ts';
import type { RoutingDriver } from './runtime-router.ts';

export interface GatewayRuntime {
  secretValues: NonNullable<AppDeps['secretValues']>;
  /** Routes each gateway to the driver of its target (process, docker, …). */
  driver: RoutingDriver;
  controller: GatewayController;
  loader: DesiredStateLoader;
  /** The desired state the reconciler deploys (pins and rollout holds applied). */
  loadDesired(org: string, name: string): Promise<DesiredGateway | undefined>;
  ops: GatewayRuntimeOps;
  runtimes: RuntimeVersionOps;
  devices: NonNullable<AppDeps['devices']>;
  onChange: NonNullable<AppDeps['onChange']>;
  stopAll(): Promise<string[]>;
  start(): void;
  close(): Promise<void>;
}

/** Env passed through to gateways and npm (TLS interception and proxies on some hosts). */
const INVENTORY_EVERY_MS = 10_000;

const PASS_THROUGH = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'TZ', 'LANG'];

function tokenSecretName(gateway: string): string {
  return `gwtok-${createHash('sha256').update(gateway).digest('hex').slice(0, 40)}`;
}

export function createGatewayRuntime(opts: {
  deps: AppDeps;
  dataDir: string;
  runtimesDir: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  planning: Planning;
  defaultRuntimeVersion: string;
  reconcileOptions?: { resyncIntervalMs?: number; crashPollIntervalMs?: number };
  /** The local secrets store (main.ts shares it with the API); created here when absent. */
  local?: LocalSecretStore;
  /** Every secrets provider (default: local, env, file). */
  providers?: SecretsProvider[];
}): GatewayRuntime {
  const { deps, env, log } = opts;
  const baseEnv: Record<string, string> = {};
  for (const k of PASS_THROUGH) if (env[k]) baseEnv[k] = env[k];
  const drivers = createRuntimeDrivers({ dataDir: opts.dataDir, runtimesDir: opts.runtimesDir, env, log, baseEnv });
  const driver = drivers.router;
  const local = opts.local ?? createLocalSecretStore({ dataDir: opts.dataDir, ...(env.CLAWPLANE_SECRETS_KEY ? { masterKey: env.CLAWPLANE_SECRETS_KEY } : {}) });
  const resolver = createSecretResolver({
    providers: opts.providers ?? [local, createEnvSecretsProvider({ env }), createFileSecretsProvider({ allowedRoots: [`${opts.dataDir}/secret-files/{org}`, '/run/secrets/{org}'] })],
  });
  const loader = createDesiredStateLoader({
    loadOrgDocuments: (org) => deps.store.transaction((repos) => loadOrgDocuments(repos, org)),
    loadGateway: (org, name) => deps.store.transaction((repos) => repos.resources.get(org, 'Gateway', name)),
    render: opts.planning.render,
    secrets: resolver,
    gatewayToken: async (org, gateway) => {
      const name = tokenSecretName(gateway);
      const existing = await local.get(org, name);
      if (existing) return existing;
      const token = generateToken();
      await local.set(org, name, token);
      return token;
    },
    stateDirFor: (org, name, target) => driver.driverFor(target ?? 'process')?.stateDirFor(deploymentId(org, name)) ?? stateDirForTarget(opts.dataDir, org, name, target),
    defaultRuntimeVersion: opts.defaultRuntimeVersion,
  });
  /**
   * Audit which secrets (names and local versions, never values) the reconciler resolved into a
   * gateway's start env, only when that set changed: resyncs do not flood the audit log. The
   * fingerprint that detects changes (it covers env/file values too) stays in memory.
   */
  const lastRead = new Map<string, string>();
  const auditSecretRead = async (org: string, name: string, desired: DesiredGateway): Promise<void> => {
    const names = [...new Set(desired.rendered.env.filter((e) => desired.env[e.name] !== undefined && !(e.name === GATEWAY_TOKEN_ENV && !desired.effective.spec.env?.[GATEWAY_TOKEN_ENV])).map((e) => e.secret))].sort();
    const versions: Record<string, number> = {};
    for (const n of names) {
      const meta = await local.describe(org, n).catch(() => undefined);
      if (meta) versions[n] = meta.version;
    }
    const ownToken = desired.effective.spec.env?.[GATEWAY_TOKEN_ENV] === undefined;
    const tokenMeta = ownToken ? await local.describe(org, tokenSecretName(name)).catch(() => undefined) : undefined;
    const fp = createHash('sha256');
    for (const [k, v] of Object.entries(desired.env).sort(([a], [b]) => a.localeCompare(b))) fp.update(`${k}\0${v}\0`);
    const fingerprint = `${names.join(',')}|${fp.digest('hex')}`;
    const key = `${org}/${name}`;
    if (lastRead.get(key) === fingerprint) return;
    lastRead.set(key, fingerprint);
    const diff = { names, versions, ...(tokenMeta ? { gatewayAuthVersion: tokenMeta.version } : {}) };
    await deps.store.transaction((repos) => recordAudit(repos, SYSTEM_ACTOR, { org, action: 'secret.read', target: `Gateway/${name}`, diff }, deps.now()));
  };
  /**
   * The loader's desired state, with a pinned revision's files and runtime version (ADR 0007), or
   * the revision an active rollout holds the gateway on (ADR 0010).
   */
  const loadDesired = async (org: string, name: string): Promise<DesiredGateway | undefined> => {
    const d = await loader.load(org, name);
    if (!d) return d;
    const pinned = pinnedRevisionOf(d.resource);
    const hold = pinned ?? heldRevision(await deps.store.transaction((repos) => listAll(repos, org, 'Rollout')), name)?.revision;
    if (hold === undefined) return d;
    const rev = await deps.store.transaction((repos) => repos.revisions.get(org, name, hold));
    return applyPinnedRevision(d, hold, rev);
  };
  /** Records the applied spec as a revision and marks it known-good once ready; returns its number. */
  const recordRevision = async (org: string, name: string, desired: DesiredGateway | undefined, status: GatewayStatus): Promise<number | undefined> => {
    if (!desired) return undefined;
    return deps.store.transaction(async (repos) => {
      const revisions = await repos.revisions.list(org, name);
      const facts = {
        appliedSpecHash: status.applied?.specHash, ready: status.health?.ready === true && status.phase === 'running', desired,
        pinned: pinnedRevisionOf(desired.resource), revisions, now: deps.now().toISOString(),
      };
      let step = planRevision(facts);
      if (step.append) {
        // Cause: the newest change a user made in the org (cheap: the tail of the audit log).
        const head = await repos.audit.head(org);
        const tail = await repos.audit.list(org, { afterSeq: Math.max(0, head.seq - 50), limit: 50 });
        const last = tail.reverse().find((e) => e.actor !== SYSTEM_ACTOR.name);
        if (last) step = planRevision({ ...facts, lastChange: `${last.actor} ${last.action} ${last.target}` });
      }
      if (step.append) {
        const rev = await repos.revisions.append(step.append);
        if (step.appendKnownGood) await repos.revisions.markKnownGood(org, name, rev.number);
        return rev.number;
      }
      if (step.markKnownGood !== undefined) await repos.revisions.markKnownGood(org, name, step.markKnownGood);
      return step.current ?? (desired.resource.status as { revision?: number } | undefined)?.revision;
    });
  };
  const clock = createSystemClock();
  const emit = (e: { type: string; org: string; gateway: string; message: string; time: string }): void => {
    log.info({ event: e.type, org: e.org, gateway: e.gateway }, e.message);
    deps.events.publish({ type: 'EVENT', org: e.org, kind: 'Gateway', name: e.gateway, reason: e.type, message: e.message, time: e.time });
  };
  const reconcileDeps = {
    loadDesired: async (org: string, name: string) => {
      const desired = await loadDesired(org, name);
      if (desired) driver.remember(deploymentId(org, name), desired.effective.target.kind);
      if (desired) await auditSecretRead(org, name, desired).catch((e: unknown) => log.warn({ err: String(e) }, 'secret.read audit failed'));
      return desired;
    },
    driver,
    probe: probeOpenClaw,
    configApplied: (endpoint: { host: string; port: number }, token: string) => checkConfigApplied(endpoint, token),
    lookupReloadKind: (endpoint: { host: string; port: number }, token: string, paths: string[]) => lookupReloadKind(endpoint, token, paths),
    writeStatus: async (org: string, name: string, status: GatewayStatus): Promise<void> => {
      const desired = await loadDesired(org, name).catch(() => undefined);
      const revision = await recordRevision(org, name, desired, status).catch((e: unknown) => {
        log.warn({ org, gateway: name, err: e instanceof Error ? e.message : String(e) }, 'recording the revision failed');
        return undefined;
      });
      const pinnedRevision = desired ? pinnedRevisionOf(desired.resource) : undefined;
      const display = {
        ...(revision !== undefined ? { revision } : {}),
        ...(pinnedRevision !== undefined ? { pinnedRevision } : {}),
        runtimeVersion: status.health?.version ?? desired?.effective.runtime.version,
        port: status.endpoint?.port ?? desired?.effective.port,
        agentCount: desired?.effective.agents.length,
        target: desired?.effective.target.kind,
        message: status.conditions.find((c) => c.type === 'Degraded' && c.status === 'True')?.message ?? status.lastError ?? status.conditions.find((c) => c.type === 'Ready')?.message,
      };
      await writeStatus(deps, org, 'Gateway', name, { ...status, ...display } as unknown as Record<string, unknown>);
    },
    emit,
    audit: async (action: string, target: { org: string; name: string }, details: Record<string, unknown>) => {
      await deps.store.transaction((repos) => recordAudit(repos, SYSTEM_ACTOR, { org: target.org, action, target: `Gateway/${target.name}`, diff: details }, deps.now()));
    },
    clock,
  };
  // CPU / memory figures for the metrics endpoint, sampled in the background (0 turns it off).
  const statsIntervalMs = Number(env.CLAWPLANE_STATS_INTERVAL_MS ?? 30_000);
  const sampler = createStatsSampler({
    driver,
    intervalMs: Number.isFinite(statsIntervalMs) && statsIntervalMs >= 0 ? statsIntervalMs : 30_000,
    now: deps.now,
    onError: (id, err) => log.debug({ id, err: String(err) }, 'stats sample failed'),
  });
  const controller = createGatewayController({
    reconcile: (key, signal) => reconcileGateway(key, reconcileDeps, signal),
    listGateways: async () =>
      deps.store.transaction(async (repos) => {
        const out: { org: string; name: string; desiredState?: 'running' | 'stopped' }[] = [];
        for (const o of await repos.resources.listOrganizations()) {
          for (const g of await listAll(repos, o.metadata.name, 'Gateway')) out.push({ org: o.metadata.name, name: g.metadata.name, desiredState: g.spec.desiredState });
        }
        return out;
      }),
    driver,
    clock,
    emit,
    onError: (where, err) => log.warn({ where, err: err instanceof Error ? err.message : String(err) }, 'reconcile error'),
    ...(opts.reconcileOptions ? { options: opts.reconcileOptions } : {}),
  });

  /** Inventory: what each ready gateway reports in agents.list, onto its Agents' status (`live`). */
  const inventory = async (): Promise<void> => {
    const gateways = await deps.store.transaction(async (repos) => {
      const out = [];
      for (const o of await repos.resources.listOrganizations()) out.push(...(await listAll(repos, o.metadata.name, 'Gateway')));
      return out;
    });
    for (const g of gateways) {
      const st = (g.status ?? {}) as { health?: { ready?: boolean }; endpoint?: { host: string; port: number } };
      if (!st.health?.ready || !st.endpoint) continue;
      const desired = await loadDesired(g.metadata.org, g.metadata.name).catch(() => undefined);
      if (!desired) continue;
      const deep = await probeOpenClaw(st.endpoint, desired.env.OPENCLAW_GATEWAY_TOKEN ?? '', { deep: true, timeoutMs: 5000 }).catch(() => undefined);
      if (!deep?.agents) continue;
      const live = [...deep.agents].sort();
      for (const a of desired.effective.agents) {
        const current = await deps.store.transaction((repos) => repos.resources.get(g.metadata.org, 'Agent', a.name));
        const isLive = live.includes(a.agentId);
        if ((current?.status as { live?: boolean } | undefined)?.live !== isLive) {
          await writeStatus(deps, g.metadata.org, 'Agent', a.name, { live: isLive, gateway: g.metadata.name, checkedAt: deps.now().toISOString() });
        }
      }
    }
  };
  let inventoryTimer: NodeJS.Timeout | undefined;
  let inventoryRunning = false;
  const startInventory = (): void => {
    inventoryTimer = setInterval(() => {
      if (inventoryRunning) return;
      inventoryRunning = true;
      void inventory().catch((e: unknown) => log.warn({ err: String(e) }, 'inventory failed')).finally(() => {
        inventoryRunning = false;
      });
    }, INVENTORY_EVERY_MS);
    inventoryTimer.unref();
  };

  const enqueueOrg = async (org: string): Promise<void> => {
    const gws = await deps.store.transaction((repos) => listAll(repos, org, 'Gateway'));
    for (const g of gws) controller.enqueue(org, g.metadata.name);
  };

  return {
    driver, controller, loader, loadDesired,
    secretValues: local,
    devices: createDeviceOps({ deps, loadDesired }),
    onChange: (change) => {
      loader.invalidate(change.org);
      if (change.kind === 'Gateway') controller.enqueue(change.org, change.name);
      else if (change.gateway) controller.enqueue(change.org, change.gateway);
      else void enqueueOrg(change.org).catch((e: unknown) => log.warn({ err: String(e) }, 'enqueue failed'));
    },
    ops: {
      kill: (org, name) => driver.kill(deploymentId(org, name)),
      destroy: async (org, name) => {
        const id = deploymentId(org, name);
        const r = await driver.remove(id, { archive: true });
        // Zero residue: the gateway's own auth token goes with it.
        lastRead.delete(`${org}/${name}`);
        if (await local.delete(org, tokenSecretName(name))) {
          await deps.store.transaction((repos) => recordAudit(repos, SYSTEM_ACTOR, { org, action: 'secret.purge', target: `Gateway/${name}`, diff: { gatewayAuth: 'deleted' } }, deps.now()));
        }
        if (r.archive) return { archive: r.archive };
        // The reconciler may have removed (and archived) it first: report that archive.
        const dir = join(opts.dataDir, 'archive');
        const mine = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.startsWith(`${id}-`)).sort();
        return mine.length > 0 ? { archive: join(dir, mine[mine.length - 1]!) } : {};
      },
      logs: (org, name, o) => driver.logs(deploymentId(org, name), o),
      stats: (org, name) => driver.stats(deploymentId(org, name)),
      sampledStats: (org, name) => sampler.get(deploymentId(org, name)),
      rotateGatewayToken: async (org, name) => {
        const secret = tokenSecretName(name);
        await local.set(org, secret, generateToken());
        controller.enqueue(org, name);
        return { version: (await local.describe(org, secret))?.version ?? 1 };
      },
      rollGatewayToken: async (org, name, { timeoutMs }) => {
        const read = async () => {
          const gw = await deps.store.transaction((repos) => repos.resources.get(org, 'Gateway', name));
          return { gw, st: (gw?.status ?? {}) as { phase?: string; health?: { ready?: boolean }; applied?: { startHash?: string } } };
        };
        const before = await read();
        const secret = tokenSecretName(name);
        await local.set(org, secret, generateToken());
        const version = (await local.describe(org, secret))?.version ?? 1;
        if (!before.gw || before.gw.spec.desiredState === 'stopped') return { version, restarted: false, ready: false, message: 'stopped: it takes the new token at its next start' };
        controller.enqueue(org, name);
        const deadline = clock.now() + timeoutMs;
        while (clock.now() < deadline) {
          await clock.sleep(500);
          const { st } = await read();
          if (st.applied?.startHash && st.applied.startHash !== before.st.applied?.startHash && st.phase === 'running' && st.health?.ready) return { version, restarted: true, ready: true };
        }
        return { version, restarted: true, ready: false, message: `not ready ${Math.round(timeoutMs / 1000)} s after the restart` };
      },
      execContext: async (org, name) => {
        const id = deploymentId(org, name);
        let loadError: string | undefined;
        const desired = await loadDesired(org, name).catch((e: unknown) => {
          loadError = e instanceof Error ? e.message : String(e);
          return undefined;
        });
        const target = desired?.effective.target.kind;
        if (target) driver.remember(id, target);
        const d = target ? driver.driverFor(target) : undefined;
        const obs = await driver.observe(id).catch(() => ({ phase: 'missing' }));
        return {
          phase: obs.phase, target: target ?? 'process', canExec: typeof d?.execCommand === 'function',
          secretValues: desired ? Object.values(desired.env) : [],
          ...(loadError !== undefined ? { unresolved: loadError } : {}),
        };
      },
      exec: (org, name, command, o) => driver.execCommand(deploymentId(org, name), command, o),
      gatewayTokenInfo: (org, name) => local.describe(org, tokenSecretName(name)),
      archiveAgent: (org, gateway, agentId) => driver.archivePaths(deploymentId(org, gateway), [`workspaces/${agentId}`, `agents/${agentId}`], `agent-${agentId}`),
    },
    runtimes: {
      install: async (kind, version) => {
        const r = await installRuntime(opts.runtimesDir, 'openclaw', version, { nodePath: process.execPath, env: { ...baseEnv, HOME: env.HOME ?? opts.dataDir } });
        return { kind, version: r.version, path: r.dir };
      },
      list: async () => (await listRuntimes(opts.runtimesDir)).map((r) => ({ kind: 'openclaw', version: r.version, path: r.dir })),
      remove: (kind, version) => removeRuntime(opts.runtimesDir, 'openclaw', version),
    },
    stopAll: async () => {
      const stopped: string[] = [];
      for (const o of await driver.observeAll()) {
        if (o.phase === 'running' || o.phase === 'starting') {
          await driver.stop(o.id);
          stopped.push(o.id);
        }
      }
      return stopped;
    },
    start: () => {
      controller.start();
      startInventory();
      sampler.start();
    },
    close: async () => {
      clearInterval(inventoryTimer);
      sampler.stop();
      await controller.stop();
      drivers.close();
    },
  };
}
