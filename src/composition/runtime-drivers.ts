// The RuntimeDrivers of this control plane, behind one routing driver: process always; docker over
// CLAWPLANE_DOCKER_HOST (default unix:///var/run/docker.sock, `none` turns it off; Podman's socket
// works too). Default image CLAWPLANE_DOCKER_IMAGE (default ghcr.io/openclaw/openclaw:{version}).
// kubernetes when CLAWPLANE_KUBECONFIG (or KUBECONFIG, or an in-cluster service account) points at
// a cluster (composition/kubernetes-driver.ts); otherwise that target is unavailable, never replaced.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Issue } from '../core/issues.ts';
import type { FleetPlan } from '../core/plan-fleet.ts';
import { DEFAULT_OPENCLAW_IMAGE, IMAGE_REF_MESSAGE, isValidImageRef } from '../core/image-ref.ts';
import { CONTAINER_STATE_DIR } from '../runtimes/docker/container-spec.ts';
import { DEFAULT_DOCKER_HOST, createDockerClient } from '../runtimes/docker/docker-client.ts';
import { type DockerDriver, createDockerDriver } from '../runtimes/docker/docker-driver.ts';
import type { KubernetesDriver } from '../runtimes/kubernetes/kube-driver.ts';
import { type ProcessDriver, createProcessDriver } from '../runtimes/process/process-driver.ts';
import { kubernetesDriverFromEnv } from './kubernetes-driver.ts';
import { type RoutingDriver, type TargetKind, createRoutingDriver } from './runtime-router.ts';

/** Host env that makes sense inside a container (no host paths such as NODE_EXTRA_CA_CERTS). */
const CONTAINER_PASS_THROUGH = ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'TZ', 'LANG'];

export interface RuntimeDrivers {
  process: ProcessDriver;
  docker?: DockerDriver;
  kubernetes?: KubernetesDriver;
  router: RoutingDriver;
  close(): void;
}

/** The state dir a gateway's runtime sees, by target (planning needs it before any driver call). */
export function stateDirForTarget(dataDir: string, org: string, name: string, target: TargetKind = 'process'): string {
  return target === 'docker' || target === 'kubernetes' ? CONTAINER_STATE_DIR : join(dataDir, 'gateways', `${org}--${name}`, 'state');
}

/** Why the kubernetes target has no driver, naming what to set. */
export const KUBERNETES_NOT_CONFIGURED = 'no Kubernetes cluster is configured on this control plane: set CLAWPLANE_KUBECONFIG to a kubeconfig file (or run the control plane inside the cluster) and restart it';

/** Preflight warnings for gateways whose target is kubernetes on a control plane without a cluster. */
export function kubernetesTargetWarnings(plan: Pick<FleetPlan, 'gateways'>): Issue[] {
  return plan.gateways.filter((g) => g.effective.target.kind === 'kubernetes').map((g) => ({
    path: 'spec.target.kind', code: 'target-unavailable', severity: 'warning' as const, resource: `Gateway/${g.gateway}`,
    message: `gateway ${g.gateway} targets kubernetes, but ${KUBERNETES_NOT_CONFIGURED}; it is stored but not deployed until then`,
    hint: 'clawplane export k8s writes its manifests for kubectl instead',
  }));
}

export function createRuntimeDrivers(opts: {
  dataDir: string; runtimesDir: string; env: NodeJS.ProcessEnv; log: Logger; baseEnv: Record<string, string>;
}): RuntimeDrivers {
  const { env, log } = opts;
  const processDriver = createProcessDriver({
    dataDir: opts.dataDir, runtimesDir: opts.runtimesDir, nodePath: process.execPath, baseEnv: opts.baseEnv,
    log: log.child({ component: 'process-driver' }),
  });
  const unavailable: Partial<Record<TargetKind, string>> = {};
  let kubernetes: KubernetesDriver | undefined;
  try {
    kubernetes = kubernetesDriverFromEnv(env);
    if (!kubernetes) unavailable.kubernetes = KUBERNETES_NOT_CONFIGURED;
  } catch (e) {
    unavailable.kubernetes = `CLAWPLANE_KUBECONFIG ${env.CLAWPLANE_KUBECONFIG ?? env.KUBECONFIG ?? ''}: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (kubernetes) log.info({ kubeconfig: env.CLAWPLANE_KUBECONFIG ?? env.KUBECONFIG ?? 'in-cluster' }, 'kubernetes target enabled');
  let docker: DockerDriver | undefined;
  const host = env.CLAWPLANE_DOCKER_HOST ?? DEFAULT_DOCKER_HOST;
  const image = env.CLAWPLANE_DOCKER_IMAGE ?? DEFAULT_OPENCLAW_IMAGE;
  if (host === 'none') {
    unavailable.docker = 'turned off (CLAWPLANE_DOCKER_HOST=none)';
  } else if (!isValidImageRef(image)) {
    unavailable.docker = `CLAWPLANE_DOCKER_IMAGE ${IMAGE_REF_MESSAGE}`;
  } else {
    try {
      const baseEnv: Record<string, string> = {};
      for (const k of CONTAINER_PASS_THROUGH) if (env[k]) baseEnv[k] = env[k];
      docker = createDockerDriver({
        docker: createDockerClient(host), host, dataDir: opts.dataDir, image, baseEnv,
        log: log.child({ component: 'docker-driver' }),
      });
    } catch (e) {
      unavailable.docker = `CLAWPLANE_DOCKER_HOST: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  const router = createRoutingDriver({
    drivers: { process: processDriver, ...(docker ? { docker } : {}), ...(kubernetes ? { kubernetes } : {}) },
    unavailable,
    onWarn: (msg, details) => log.warn(details, msg),
  });
  return {
    process: processDriver, router, ...(docker ? { docker } : {}), ...(kubernetes ? { kubernetes } : {}),
    close: () => {
      processDriver.close();
      docker?.close();
    },
  };
}
