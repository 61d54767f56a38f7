// Composition root: the only place that wires implementations to ports.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGatewayRuntime } from './composition/gateway-runtime.ts';
import { createPlanning } from './composition/planning.ts';
import { createIdentity } from './composition/identity.ts';
import { createAgentTurnOps } from './composition/agent-turns.ts';
import { createRolloutRuntime, fingerprintWith } from './composition/rollout-runtime.ts';
import { createLocalStoreFromEnv, createSecretsProviders } from './composition/secrets.ts';
import { createRotationJob } from './composition/rotation.ts';
import { createSystemClock } from './reconciler/clock.ts';
import { kubernetesTargetWarnings, stateDirForTarget } from './composition/runtime-drivers.ts';
import { explainAgentPolicy } from './core/policy-explain.ts';
import { serve } from '@hono/node-server';
import pino, { type Logger } from 'pino';
import type { AppDeps } from './app/app-deps.ts';
import { bootstrapAdmin } from './app/auth-commands.ts';
import { EventBus } from './app/event-bus.ts';
import { createApi } from './api/server.ts';
import { logRedactOptions } from './core/redact.ts';
import { openStore } from './store/open-store.ts';

export const VERSION = '0.1.0';
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export function pinnedOpenClaw(): { default: string; supported: string[] } {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'openclaw-versions.json'), 'utf8')) as { default: string; supported: string[] };
}

export interface ServerOptions {
  dataDir: string;
  port: number;
  host: string;
  database?: string;
  reconcile?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  // ajv's generated validators for OpenClaw's 2.4 MB schema run ~100× slower under Maglev.
  setFlagsFromString('--no-maglev');
  const env = opts.env ?? process.env;
  const log = opts.log ?? pino({ level: env.CLAWPLANE_LOG_LEVEL ?? 'info', redact: logRedactOptions() });
  const store = await openStore({ dataDir: opts.dataDir, ...(opts.database ? { url: opts.database } : {}) });
  const events = new EventBus();
  let stopServer: (() => Promise<void>) | undefined;
  const deps: AppDeps = { store, events, now: () => new Date(), newId: () => randomUUID() };
  const runtimesDir = resolve(env.CLAWPLANE_RUNTIMES_DIR ?? join(opts.dataDir, 'runtimes'));
  const defaultRuntimeVersion = pinnedOpenClaw().default;
  const planning = createPlanning({ repoRoot: REPO_ROOT, stateDirFor: (org, name, target) => stateDirForTarget(opts.dataDir, org, name, target), defaultRuntimeVersion });
  if (opts.reconcile !== false) planning.warm(defaultRuntimeVersion);
  const local = await createLocalStoreFromEnv(opts.dataDir, env);
  deps.secretValues = local;
  const providers = await createSecretsProviders({ dataDir: opts.dataDir, env, local });
  const runtime = opts.reconcile === false ? undefined : createGatewayRuntime({ deps, dataDir: opts.dataDir, runtimesDir, env, log, planning, defaultRuntimeVersion, local, providers });
  deps.preflight = (_org, documents) => {
    const plan = planning.plan(documents);
    const issues = [...plan.issues, ...plan.gateways.flatMap((g) => g.issues)];
    // A kubernetes gateway without a cluster is stored but not deployed (never moved to another target).
    if (runtime && !runtime.driver.driverFor('kubernetes')) issues.push(...kubernetesTargetWarnings(plan));
    return issues;
  };
  if (runtime) {
    deps.onChange = runtime.onChange;
    deps.runtime = runtime.ops;
    deps.runtimes = runtime.runtimes;
    deps.devices = runtime.devices;
    deps.agentTurns = createAgentTurnOps({ driver: runtime.driver, loadDesired: runtime.loadDesired });
  }
  deps.fingerprintGateways = fingerprintWith(planning);
  const rollouts = runtime
    ? createRolloutRuntime({ deps, driver: runtime.driver, agentTurns: deps.agentTurns ?? createAgentTurnOps(runtime), loadDesired: runtime.loadDesired, enqueue: (o, g) => runtime.controller.enqueue(o, g), env, log: log.child({ component: 'rollouts' }) })
    : undefined;
  if (rollouts) deps.rollouts = rollouts.ops;
  deps.system = {
    shutdown: async ({ stopGateways }) => {
      await rollouts?.controller.stop();
      await runtime?.controller.stop();
      const stopped = stopGateways && runtime ? await runtime.stopAll() : [];
      setTimeout(() => void stopServer?.().then(() => process.exit(0)), 100);
      return { stopped };
    },
  };
  deps.identity = createIdentity(env);
  const boot = await bootstrapAdmin(deps, env.CLAWPLANE_BOOTSTRAP_TOKEN);
  const api = createApi({
    deps, version: VERSION, ...(env.CLAWPLANE_PUBLIC_URL ? { publicUrl: env.CLAWPLANE_PUBLIC_URL } : {}),
    planOrg: async (org, documents) => planning.summarize(planning.plan(documents), async (gw) => runtime?.driver.readConfig(`${org}--${gw}`)),
    explain: (_org, gateway, path, documents) => planning.explain(documents, gateway, path),
    explainPolicy: (org, agent, documents) => explainAgentPolicy(documents, agent, org),
  }, log);
  const server = serve({ fetch: api.fetch, port: opts.port, hostname: opts.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const url = `http://${opts.host}:${port}`;
  log.info({ url, dataDir: opts.dataDir, store: store.dialect }, 'clawplane control plane listening');
  if (boot.created) {
    let how = 'the token you gave in CLAWPLANE_BOOTSTRAP_TOKEN';
    if (!env.CLAWPLANE_BOOTSTRAP_TOKEN && boot.token) {
      const file = join(opts.dataDir, 'admin.token');
      await writeFile(file, boot.token, { mode: 0o600, flag: 'wx' }).catch(() => undefined);
      how = `the token in ${file} (readable by you only)`;
    }
    process.stderr.write(`\nFirst start: created user "admin" (admin of every organization). Log in with ${how}:\n  clawplane login --server ${url} --token-stdin < TOKEN_FILE\n\n`);
  }
  runtime?.start();
  rollouts?.controller.start();
  // Scheduled rotation (hourly check; CLAWPLANE_ROTATION_CHECK_MS to change), only where gateways run.
  const rotation = runtime ? createRotationJob({ deps, clock: createSystemClock(), log, ...(Number(env.CLAWPLANE_ROTATION_CHECK_MS) >= 1000 ? { intervalMs: Number(env.CLAWPLANE_ROTATION_CHECK_MS) } : {}) }) : undefined;
  rotation?.start();
  let closing: Promise<void> | undefined;
  stopServer = async () => {
    closing ??= (async () => {
      rotation?.stop();
      (server as import('node:http').Server).closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await rollouts?.controller.stop();
      await runtime?.close();
      await store.close();
    })();
    return closing;
  };
  return { url, close: stopServer };
}

export async function runServer(opts: ServerOptions): Promise<void> {
  const running = await startServer(opts);
  const stop = (): void => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
