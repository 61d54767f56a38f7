// Docker Engine API clients (dockerode) from a DOCKER_HOST-style URL: unix:///path or
// tcp://host:port (http). The same client talks to Podman's Docker-compatible socket.
import Docker from 'dockerode';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';
export const DEFAULT_PODMAN_HOST = 'unix:///run/podman/podman.sock';

export function parseDockerHost(url: string): Docker.DockerOptions {
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new Error(`docker host ${JSON.stringify(url)}: the unix socket path must be absolute`);
    return { socketPath };
  }
  const m = /^(tcp|http):\/\/([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):([0-9]{1,5})\/?$/.exec(url);
  if (m) return { protocol: 'http', host: m[2]!.replace(/^\[|\]$/g, ''), port: Number(m[3]) };
  throw new Error(`docker host ${JSON.stringify(url)} is not unix:///path or tcp://host:port`);
}

export function createDockerClient(url: string): Docker {
  return new Docker(parseDockerHost(url));
}

/** True when the engine answers /_ping within timeoutMs. */
export async function pingEngine(docker: Docker, timeoutMs = 2000): Promise<boolean> {
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}
