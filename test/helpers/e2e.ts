// Helpers for end-to-end tests against a real control plane running real gateways.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const RUNTIMES_DIR = join(import.meta.dirname, '..', '..', '.tools', 'runtimes');

export interface GatewayView {
  metadata: { name: string; generation: number };
  spec: Record<string, unknown>;
  status?: {
    lifecycle?: string;
    lastAction?: string;
    restarts?: number;
    health?: { live: boolean; ready: boolean };
    endpoint?: { port: number };
    observedGeneration?: number;
    message?: string;
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
