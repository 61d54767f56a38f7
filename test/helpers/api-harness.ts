// An in-process API over a real store (SQLite in a temp dir, or PostgreSQL) for integration tests.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { AppDeps } from '../../src/app/app-deps.ts';
import { bootstrapAdmin, createApiToken } from '../../src/app/auth-commands.ts';
import { EventBus } from '../../src/app/event-bus.ts';
import { SYSTEM_ACTOR } from '../../src/app/actor.ts';
import { createApi } from '../../src/api/server.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { openStore } from '../../src/store/open-store.ts';

export interface Harness {
  deps: AppDeps;
  store: Store;
  dataDir: string;
  adminToken: string;
  request(method: string, path: string, opts?: { token?: string | undefined; body?: unknown; text?: string; type?: string; signal?: AbortSignal }): Promise<Response>;
  tokenFor(user: string): Promise<string>;
  close(): Promise<void>;
}

export async function createHarness(opts: { databaseUrl?: string; extra?: Partial<AppDeps> } = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'clawplane-api-'));
  const store = await openStore({ dataDir: dir, ...(opts.databaseUrl ? { url: opts.databaseUrl } : {}) });
  const deps: AppDeps = { store, events: new EventBus(), now: () => new Date(), newId: () => randomUUID(), ...opts.extra };
  const boot = await bootstrapAdmin(deps, `cpt_test_${randomUUID()}`);
  const api = createApi({ deps, version: 'test' }, pino({ level: 'silent' }));
  const adminToken = boot.token!;
  return {
    deps, store, adminToken, dataDir: dir,
    request: async (method, path, o = {}) => {
      const headers: Record<string, string> = {};
      const token = 'token' in o ? o.token : adminToken;
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (o.text !== undefined) {
        body = o.text;
        headers['content-type'] = o.type ?? 'application/yaml';
      } else if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] = 'application/json';
      }
      return api.request(path, { method, headers, ...(body !== undefined ? { body } : {}), ...(o.signal ? { signal: o.signal } : {}) });
    },
    tokenFor: async (user) => (await createApiToken(deps, SYSTEM_ACTOR, { user })).token,
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
