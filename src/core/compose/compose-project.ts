// A Compose project for a fleet: one service per gateway (plus a one-shot `<gw>-init` service that
// seeds the state volume and hands it to the non-root user), named state volumes, host networking
// with the gateway bound to loopback (lan only for exposure lan/tailnet), hardening, healthchecks on /readyz. Secret VALUES are never
// written: the project interpolates `${<GATEWAY>__<ENV>}` from the shell or a `.env` file the
// user creates from `.env.example`. Pure and deterministic (golden-file tested).
import {
  CONTAINER_CONFIG_DIR, CONTAINER_HOME, CONTAINER_STATE_DIR, CONTAINER_UID, type GatewayContainerSpec, gatewayArgs, seedFiles, seedScript,
} from '../containers/gateway-container.ts';
import { GATEWAY_LABEL, MANAGED_BY, MANAGED_BY_LABEL, ORG_LABEL } from '../kubernetes/labels.ts';

export interface ComposeOptions {
  /** `pull_policy: never` for images that exist only locally (e.g. localhost/openclaw:<v>). */
  pullNever?: boolean;
}

export interface ComposeProject {
  /** The compose file as an object (validated against the Compose spec before writing). */
  compose: Record<string, unknown>;
  /** Files relative to the project dir: <gateway>/config/… */
  configFiles: Record<string, string>;
  /** Variable names the project needs (secrets), in `.env.example` order. */
  variables: { name: string; gateway: string; env: string }[];
}

/** `support-gw` + `OPENCLAW_GATEWAY_TOKEN` → `SUPPORT_GW__OPENCLAW_GATEWAY_TOKEN`. */
export function composeVariable(gateway: string, env: string): string {
  return `${gateway.toUpperCase().replace(/[^A-Z0-9]/g, '_')}__${env}`;
}

function memLimit(c: GatewayContainerSpec): string {
  return c.resources.memoryMiB !== undefined ? `${c.resources.memoryMiB}m` : '2g';
}

function healthcheck(port: number): Record<string, unknown> {
  // node is in every OpenClaw image; curl/wget may not be.
  const script = `fetch('http://127.0.0.1:${port}/readyz').then(r=>r.json().then(b=>process.exit(r.ok&&b.ready===true?0:1)),()=>process.exit(1))`;
  return { test: ['CMD', 'node', '-e', script], interval: '10s', timeout: '5s', retries: 3, start_period: '90s' };
}

export function buildComposeProject(containers: readonly GatewayContainerSpec[], opts: ComposeOptions = {}): ComposeProject {
  const services: Record<string, unknown> = {};
  const volumes: Record<string, unknown> = {};
  const configFiles: Record<string, string> = {};
  const variables: ComposeProject['variables'] = [];
  for (const c of [...containers].sort((a, b) => a.gateway.localeCompare(b.gateway))) {
    const labels = { [MANAGED_BY_LABEL]: MANAGED_BY, [ORG_LABEL]: c.org, [GATEWAY_LABEL]: c.gateway };
    const stateVolume = `${c.gateway}-state`;
    for (const [path, content] of Object.entries(c.files)) configFiles[`${c.gateway}/config/${path}`] = content;
    const environment: Record<string, string> = { ...c.env };
    for (const env of c.secretEnv) {
      const variable = composeVariable(c.gateway, env);
      variables.push({ name: variable, gateway: c.gateway, env });
      environment[env] = `\${${variable}:?set ${variable} in the environment or .env (see .env.example)}`;
    }
    const pull = opts.pullNever ? { pull_policy: 'never' } : {};
    const configMount = { type: 'bind', source: `./${c.gateway}/config`, target: CONTAINER_CONFIG_DIR, read_only: true };
    const stateMount = { type: 'volume', source: stateVolume, target: CONTAINER_STATE_DIR };
    services[`${c.gateway}-init`] = {
      image: c.image,
      ...pull,
      // Runs once as root with only the capabilities to own the volume: seeds files, chowns to the gateway user.
      user: '0:0',
      entrypoint: ['node', '-e', seedScript(seedFiles(c.files).map(([p]) => [p, p]), CONTAINER_UID)],
      network_mode: 'none',
      read_only: true,
      cap_drop: ['ALL'],
      cap_add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER'],
      security_opt: ['no-new-privileges:true'],
      restart: 'no',
      volumes: [configMount, stateMount],
      labels: { ...labels, 'clawplane.dev/role': 'init' },
    };
    services[c.gateway] = {
      image: c.image,
      ...pull,
      init: true,
      user: `${CONTAINER_UID}:${CONTAINER_UID}`,
      network_mode: 'host',
      command: gatewayArgs(c.port, c.bind),
      environment,
      volumes: [configMount, stateMount],
      // tmpfs mounts are root-owned 0755 by default: hand HOME to the gateway user.
      tmpfs: ['/tmp:mode=1777', `${CONTAINER_HOME}:uid=${CONTAINER_UID},gid=${CONTAINER_UID},mode=0700`],
      read_only: true,
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
      pids_limit: 512,
      mem_limit: memLimit(c),
      ...(c.resources.cpus !== undefined ? { cpus: c.resources.cpus } : {}),
      restart: 'unless-stopped',
      stop_grace_period: '30s',
      depends_on: { [`${c.gateway}-init`]: { condition: 'service_completed_successfully' } },
      healthcheck: healthcheck(c.port),
      labels: { ...labels, 'clawplane.dev/role': 'gateway' },
    };
    volumes[stateVolume] = { labels };
  }
  return { compose: { services, volumes }, configFiles, variables };
}
