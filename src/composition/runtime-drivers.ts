// The RuntimeDrivers of this control plane, behind one routing driver: process always; docker over
// CLAWPLANE_DOCKER_HOST (default unix:///var/run/docker.sock, `none` turns it off; Podman's socket
// works too). Default image CLAWPLANE_DOCKER_IMAGE (default ghcr.io/openclaw/openclaw:{version}).
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DEFAULT_OPENCLAW_IMAGE, IMAGE_REF_MESSAGE, isValidImageRef } from '../core/image-ref.ts';
import { CONTAINER_STATE_DIR } from '../runtimes/docker/container-spec.ts';
import { DEFAULT_DOCKER_HOST, createDockerClient } from '../runtimes/docker/docker-client.ts';
import { type DockerDriver, createDockerDriver } from '../runtimes/docker/docker-driver.ts';
import { type ProcessDriver, createProcessDriver } from '../runtimes/process/process-driver.ts';
import { type RoutingDriver, type TargetKind, createRoutingDriver } from './runtime-router.ts';

/** Host env that makes sense inside a container (no host paths such as NODE_EXTRA_CA_CERTS). */
const CONTAINER_PASS_THROUGH = ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'TZ', 'LANG'];

export interface RuntimeDrivers {
  process: ProcessDriver;
  docker?: DockerDriver;
  router: RoutingDriver;
  close(): void;
}

/** The state dir a gateway's runtime sees, by target (planning needs it before any driver call). */
export function stateDirForTarget(dataDir: string, org: string, name: string, target: TargetKind = 'process'): string {
  return target === 'docker' ? CONTAINER_STATE_DIR : join(dataDir, 'gateways', `${org}--${name}`, 'state');
}

export function createRuntimeDrivers(opts: {
  dataDir: string; runtimesDir: string; env: NodeJS.ProcessEnv; log: Logger; baseEnv: Record<string, string>;
}): RuntimeDrivers {
  const { env, log } = opts;
  const processDriver = createProcessDriver({
    dataDir: opts.dataDir, runtimesDir: opts.runtimesDir, nodePath: process.execPath, baseEnv: opts.baseEnv,
    log: log.child({ component: 'process-driver' }),
  });
  const unavailable: Partial<Record<TargetKind, string>> = {
    kubernetes: 'no Kubernetes driver is configured on this control plane',
  };
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
    drivers: { process: processDriver, ...(docker ? { docker } : {}) },
    unavailable,
    onWarn: (msg, details) => log.warn(details, msg),
  });
  return {
    process: processDriver, router, ...(docker ? { docker } : {}),
    close: () => {
      processDriver.close();
      docker?.close();
    },
  };
}
