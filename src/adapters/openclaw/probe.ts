// Health probing of a running OpenClaw gateway.
// Shallow: HTTP GET /healthz + /readyz, asserting the JSON body (unknown paths answer 200 HTML,
// the Control UI catch-all). Deep: OpenClaw's own WS client → `health`, `agents.list`,
// `channels.status`, `config.get` (has the gateway applied the config file it has now?).
// Connections are always closed; a gateway still starting is reported as not ready, never thrown.
import { GatewayClient } from '@openclaw/gateway-client';
import type { ConfigApplied, HealthReport } from '../../core/ports/claw-adapter.ts';

export interface ProbeEndpoint {
  host: string;
  port: number;
}

export interface ProbeOptions {
  deep?: boolean;
  /** Budget for the whole probe. Default 5 s. */
  timeoutMs?: number;
}

export type ReloadKind = 'hot' | 'restart' | 'none';

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function httpBase(endpoint: ProbeEndpoint): string {
  return `http://${hostForUrl(endpoint.host)}:${endpoint.port}`;
}

export function wsUrl(endpoint: ProbeEndpoint): string {
  return `ws://${hostForUrl(endpoint.host)}:${endpoint.port}`;
}

type JsonResult = { status: number; body: Record<string, unknown> } | { error: string };

async function getJson(url: string, signal: AbortSignal, token?: string): Promise<JsonResult> {
  try {
    const res = await fetch(url, {
      signal,
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    if (!type.includes('json')) return { error: `${url.replace(/^https?:\/\/[^/]+/, '')}: non-JSON response (${res.status} ${type || 'no content-type'}); not an OpenClaw gateway?` };
    const body: unknown = JSON.parse(text);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return { error: 'unexpected JSON body' };
    return { status: res.status, body: body as Record<string, unknown> };
  } catch (err) {
    return { error: describeError(err) };
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
    if (cause?.code) return `${err.message} (${cause.code})`;
    return err.message;
  }
  return String(err);
}

/** Pure: interpret /healthz and /readyz answers. */
export function interpretHttpProbes(healthz: JsonResult, readyz: JsonResult): HealthReport {
  const report: HealthReport = { live: false, ready: false };
  if ('error' in healthz) {
    report.error = healthz.error;
  } else {
    report.live = healthz.status === 200 && healthz.body.ok === true;
    if (!report.live) report.error = `healthz: ${healthz.status} ${JSON.stringify(healthz.body).slice(0, 200)}`;
  }
  if ('error' in readyz) {
    report.error ??= readyz.error;
  } else {
    const b = readyz.body;
    if (typeof b.ready !== 'boolean') {
      report.error ??= 'readyz: body has no boolean "ready"';
    } else {
      report.ready = report.live && readyz.status === 200 && b.ready;
    }
    if (Array.isArray(b.failing)) report.failing = b.failing.map((f) => (typeof f === 'string' ? f : JSON.stringify(f)));
    if (typeof b.version === 'string') report.version = b.version;
  }
  return report;
}

interface ConnectedClient {
  client: GatewayClient;
  version?: string;
}

/** Connect with OpenClaw's client as the trusted local backend; rejects on error or timeout. */
export async function connectGateway(
  endpoint: ProbeEndpoint, token: string, timeoutMs: number,
): Promise<ConnectedClient> {
  let settled = false;
  let version: string | undefined;
  const hello = Promise.withResolvers<void>();
  const timer = setTimeout(() => finish(new Error('connect timeout')), timeoutMs);
  function finish(err?: Error) {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    if (err) hello.reject(err);
    else hello.resolve();
  }
  const client = new GatewayClient({
    url: wsUrl(endpoint),
    token,
    env: {},
    minProtocol: 4,
    maxProtocol: 4,
    clientName: 'gateway-client',
    mode: 'backend',
    role: 'operator',
    scopes: ['operator.admin'],
    requestTimeoutMs: timeoutMs,
    hostDeps: { logDebug: () => undefined, logError: () => undefined },
    onHelloOk: (h) => {
      version = (h as { server?: { version?: string } }).server?.version;
      finish();
    },
    onConnectError: (e) => finish(e),
    onClose: (code, reason) => finish(new Error(`connection closed (${code}${reason ? `: ${reason}` : ''})`)),
  });
  try {
    client.start();
    await hello.promise;
  } catch (err) {
    await closeClient(client);
    throw err;
  }
  return { client, version };
}

export async function closeClient(client: GatewayClient): Promise<void> {
  try {
    await client.stopAndWait({ timeoutMs: 1000 });
  } catch {
    client.stop();
  }
}

function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; details?: { reason?: unknown } };
    const parts = [e.code, e.message, e.details?.reason].filter((p) => typeof p === 'string');
    if (parts.length > 0) return parts.join(': ');
  }
  return describeError(err);
}

type ChannelHealth = NonNullable<HealthReport['channels']>[string];

/** Pure: map a `channels.status` payload to HealthReport.channels. */
export function mapChannelsStatus(payload: unknown): Record<string, ChannelHealth> {
  const out: Record<string, ChannelHealth> = {};
  if (!payload || typeof payload !== 'object') return out;
  const p = payload as { channels?: Record<string, unknown>; channelAccounts?: Record<string, unknown> };
  for (const [id, raw] of Object.entries(p.channels ?? {})) {
    const c = (raw ?? {}) as { configured?: unknown; running?: unknown; lastError?: unknown; connected?: unknown };
    const entry: ChannelHealth = { configured: c.configured === true, running: c.running === true };
    const accounts = p.channelAccounts?.[id];
    if (Array.isArray(accounts) && accounts.length > 0) {
      entry.connected = accounts.every((a) => (a as { connected?: unknown }).connected === true);
    } else if (typeof c.connected === 'boolean') {
      entry.connected = c.connected;
    }
    if (typeof c.lastError === 'string' || c.lastError === null) entry.lastError = c.lastError;
    out[id] = entry;
  }
  return out;
}

/** Pure: agent ids from an `agents.list` payload. */
export function mapAgentsList(payload: unknown): string[] {
  const agents = (payload as { agents?: unknown } | undefined)?.agents;
  if (!Array.isArray(agents)) return [];
  return agents
    .map((a) => (a as { id?: unknown }).id)
    .filter((id): id is string => typeof id === 'string');
}

export async function probeOpenClaw(
  endpoint: ProbeEndpoint, token: string, opts: ProbeOptions = {},
): Promise<HealthReport> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const started = Date.now();
  const signal = AbortSignal.timeout(timeoutMs);
  const base = httpBase(endpoint);
  const [healthz, readyz] = await Promise.all([
    getJson(`${base}/healthz`, signal),
    getJson(`${base}/readyz`, signal, token),
  ]);
  const report = interpretHttpProbes(healthz, readyz);
  if (!opts.deep || !report.live) return report;

  const remaining = Math.max(500, timeoutMs - (Date.now() - started));
  let conn: ConnectedClient;
  try {
    conn = await connectGateway(endpoint, token, remaining);
  } catch (err) {
    return { ...report, ready: false, error: `connect: ${errorText(err)}` };
  }
  try {
    report.version ??= conn.version;
    const reqTimeout = Math.max(500, timeoutMs - (Date.now() - started));
    const [health, agents, channels, config] = await Promise.all([
      conn.client.request('health', {}, { timeoutMs: reqTimeout }),
      conn.client.request('agents.list', {}, { timeoutMs: reqTimeout }),
      conn.client.request('channels.status', {}, { timeoutMs: reqTimeout }),
      conn.client.request('config.get', {}, { timeoutMs: reqTimeout }).catch(() => undefined),
    ]);
    if ((health as { ok?: unknown }).ok === false) {
      report.ready = false;
      report.error = 'health RPC reported ok:false';
    }
    // A gateway still running an older config than its file is not ready for what it was given.
    const applied = config === undefined ? undefined : interpretConfigGet(config);
    if (applied && (applied.state === 'pending' || applied.state === 'invalid')) {
      report.ready = false;
      report.error ??= applied.message;
    }
    report.agents = mapAgentsList(agents);
    report.channels = mapChannelsStatus(channels);
    return report;
  } catch (err) {
    return { ...report, ready: false, error: `rpc: ${errorText(err)}` };
  } finally {
    await closeClient(conn.client);
  }
}

/**
 * Whether the running gateway has applied the config file it has on disk. OpenClaw's `config.get`
 * answers `hash` (the file as the gateway last read it: with OPENCLAW_CONFIG_READONLY=1 a snapshot the
 * file watcher refreshes a few hundred ms after a write), `configRevisionHash` (that file's config as
 * the gateway would run it; null when invalid) and `appliedConfigHash` (what it runs). Revision and
 * applied differ while a hot reload is pending and forever when the reload was refused.
 */
export function interpretConfigGet(payload: unknown): ConfigApplied {
  const p = (payload ?? {}) as { hash?: unknown; configRevisionHash?: unknown; appliedConfigHash?: unknown; valid?: unknown; issues?: unknown };
  const fileHash = typeof p.hash === 'string' ? { fileHash: p.hash } : {};
  if (p.valid === false || (p.configRevisionHash === null && typeof p.appliedConfigHash === 'string')) {
    const issues = Array.isArray(p.issues)
      ? p.issues.map((i) => { const x = (i ?? {}) as { path?: unknown; message?: unknown }; return `${typeof x.path === 'string' ? x.path : '?'}: ${typeof x.message === 'string' ? x.message : JSON.stringify(i)}`; })
      : [];
    return { state: 'invalid', message: `the gateway refused its config file (reload skipped, still running the previous config)${issues.length ? `: ${issues.slice(0, 5).join('; ')}` : ''}`, ...fileHash };
  }
  if (typeof p.configRevisionHash !== 'string' || typeof p.appliedConfigHash !== 'string') return { state: 'unknown', message: 'config.get has no applied/revision hashes (older runtime)', ...fileHash };
  if (p.configRevisionHash !== p.appliedConfigHash) return { state: 'pending', message: 'the gateway has not applied its current config file yet (hot reload pending)', ...fileHash };
  return { state: 'applied', ...fileHash };
}

/** One `config.get` round trip; connection or RPC errors answer 'unknown' with the reason. */
export async function checkConfigApplied(endpoint: ProbeEndpoint, token: string, opts: { timeoutMs?: number } = {}): Promise<ConfigApplied> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  let conn: ConnectedClient;
  try {
    conn = await connectGateway(endpoint, token, timeoutMs);
  } catch (err) {
    return { state: 'unknown', message: `connect: ${errorText(err)}` };
  }
  try {
    return interpretConfigGet(await conn.client.request('config.get', {}, { timeoutMs }));
  } catch (err) {
    return { state: 'unknown', message: `config.get: ${errorText(err)}` };
  } finally {
    await closeClient(conn.client);
  }
}

/**
 * How the gateway applies a change at each config path (RPC `config.schema.lookup`).
 * Unknown paths or lookup errors answer 'restart' (the safe choice).
 */
export async function lookupReloadKind(
  endpoint: ProbeEndpoint, token: string, paths: string[], opts: { timeoutMs?: number } = {},
): Promise<Record<string, ReloadKind>> {
  const out: Record<string, ReloadKind> = {};
  if (paths.length === 0) return out;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const { client } = await connectGateway(endpoint, token, timeoutMs);
  try {
    for (const path of paths) {
      try {
        const res = await client.request<{ reloadKind?: unknown }>('config.schema.lookup', { path }, { timeoutMs });
        const k = res.reloadKind;
        out[path] = k === 'hot' || k === 'none' || k === 'restart' ? k : 'restart';
      } catch {
        out[path] = 'restart';
      }
    }
    return out;
  } finally {
    await closeClient(client);
  }
}
