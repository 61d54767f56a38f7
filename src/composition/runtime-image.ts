// Wires the local OpenClaw image builder (src/runtimes/docker/image-build.ts) to the engines named
// on the command line or in the environment: `clawplane runtime image build openclaw@VERSION`.
import { join, resolve } from 'node:path';
import { isValidRuntimeVersion } from '../adapters/openclaw/runtime-install.ts';
import { DEFAULT_DOCKER_HOST, DEFAULT_PODMAN_HOST, createDockerClient, pingEngine } from '../runtimes/docker/docker-client.ts';
import { type ImageBuildResult, buildOpenClawImage } from '../runtimes/docker/image-build.ts';

export type ImageEngine = 'docker' | 'podman';

export function engineHost(engine: ImageEngine, env: NodeJS.ProcessEnv): string {
  return engine === 'docker' ? (env.CLAWPLANE_DOCKER_HOST ?? DEFAULT_DOCKER_HOST) : (env.CLAWPLANE_PODMAN_HOST ?? DEFAULT_PODMAN_HOST);
}

export function parseRuntimeSpec(spec: string): { kind: 'openclaw'; version: string } {
  const [kind, version] = spec.includes('@') ? (spec.split('@', 2) as [string, string]) : ['openclaw', spec];
  if (kind !== 'openclaw') throw new Error(`only openclaw images can be built, not ${JSON.stringify(kind)}`);
  if (!isValidRuntimeVersion(version)) throw new Error(`${JSON.stringify(version)} is not an exact version like 2026.9.6`);
  return { kind, version };
}

export interface BuildImagesOptions {
  spec: string;
  engines: ImageEngine[];
  /** Overrides the engine's socket (only with one engine). */
  host?: string;
  runtimesDir?: string;
  dataDir?: string;
  force?: boolean;
  env?: NodeJS.ProcessEnv;
  nodePath?: string;
}

export async function buildRuntimeImages(o: BuildImagesOptions): Promise<(ImageBuildResult & { engine: ImageEngine; host: string })[]> {
  const env = o.env ?? process.env;
  const { version } = parseRuntimeSpec(o.spec);
  if (o.host && o.engines.length !== 1) throw new Error('--host needs exactly one --engine');
  const runtimesDir = resolve(o.runtimesDir ?? env.CLAWPLANE_RUNTIMES_DIR ?? join(o.dataDir ?? '.clawplane', 'runtimes'));
  const inputs = { installDir: join(runtimesDir, 'openclaw', version), version, nodePath: o.nodePath ?? process.execPath };
  const out = [];
  for (const engine of o.engines) {
    const host = o.host ?? engineHost(engine, env);
    const docker = createDockerClient(host);
    if (!(await pingEngine(docker))) throw new Error(`no ${engine} engine answers at ${host} (start it, e.g. bash .ci/container-runtimes.sh up)`);
    out.push({ ...(await buildOpenClawImage(docker, inputs, { ...(o.force ? { force: true } : {}) })), engine, host });
  }
  return out;
}
