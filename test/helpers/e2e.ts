// Helpers for end-to-end tests against a real control plane running real gateways.
import { readFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const RUNTIMES_DIR = join(import.meta.dirname, '..', '..', '.tools', 'runtimes');

export interface GatewayView {
  metadata: { name: string; generation: number; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: {
    lifecycle?: string;
    lastAction?: string;
    restarts?: number;
    health?: { live: boolean; ready: boolean };
    endpoint?: { port: number };
    observedGeneration?: number;
    message?: string;
    revision?: number;
    pinnedRevision?: number;
  };
}

export async function api<T>(url: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function waitFor<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** PIDs of every process whose environment names this OPENCLAW_STATE_DIR. */
export async function processesWithStateDir(stateDir: string): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = await readFile(`/proc/${entry}/environ`, 'utf8');
      if (env.split('\0').includes(`OPENCLAW_STATE_DIR=${stateDir}`)) out.push(Number(entry));
    } catch {
      // gone or not ours
    }
  }
  return out;
}

export async function gatewayEnv(pid: number): Promise<Map<string, string>> {
  const raw = await readFile(`/proc/${pid}/environ`, 'utf8');
  return new Map(raw.split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

export function killTree(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // not a group leader
    }
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** A fleet with one organization, one gateway `gw1` and one agent `helper`. */
export function oneGatewayFleet(org: string, port: number, model = 'anthropic/claude-sonnet-4-6'): string {
  return `apiVersion: clawplane.dev/v1alpha1
kind: Organization
metadata: { name: ${org} }
spec: { displayName: ${org}, defaults: { runtime: { kind: openclaw, version: "2026.9.6" } } }
---
kind: Gateway
metadata: { name: gw1 }
spec: { profile: usecase, port: ${port} }
---
kind: Agent
metadata: { name: helper, gateway: gw1 }
spec: { kind: usecase, purpose: Helps, model: ${model} }
`;
}

/** Reads one gateway through the API and its process record from the data dir. */
export function gatewayView(server: () => { url: string; token: string }, dataDir: () => string, org: string, name: string): {
  get(): Promise<GatewayView>;
  pidOf(): number;
  ready(pred?: (g: GatewayView) => boolean): () => Promise<GatewayView | undefined>;
} {
  const get = (): Promise<GatewayView> => api<GatewayView>(server().url, server().token, 'GET', `/v1/orgs/${org}/gateways/${name}`);
  return {
    get,
    pidOf: () => (JSON.parse(readFileSync(join(dataDir(), 'gateways', `${org}--${name}`, 'gateway.json'), 'utf8')) as { pid: number }).pid,
    ready: (pred = () => true) => async () => {
      const g = await get();
      return g.status?.lifecycle === 'running' && g.status.health?.ready && pred(g) ? g : undefined;
    },
  };
}
