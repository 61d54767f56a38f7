// One conformance suite for every Store implementation: SQLite (node:sqlite, temp dir) and
// PostgreSQL (a fresh database on 127.0.0.1:5432, dropped afterwards).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/core/audit-chain.ts';
import { type ListOptions, type ResourceInput, type Store, StoreConflict, StoreInvalidInput } from '../../src/core/ports/store.ts';
import type { Kind } from '../../src/core/resources.ts';
import { SQLITE_FILE_NAME, openStore } from '../../src/store/open-store.ts';

const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Raw SQL outside the store (for tampering); `?` placeholders on both dialects. */
interface RawSql {
  run(text: string, params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

interface Backend {
  name: 'sqlite' | 'postgres';
  setup(): Promise<{ open: () => Promise<Store>; raw: () => Promise<RawSql>; teardown: () => Promise<void> }>;
}

const sqliteBackend: Backend = {
  name: 'sqlite',
  setup() {
    const dir = mkdtempSync(join(tmpdir(), 'clawplane-store-'));
    return Promise.resolve({
      open: () => openStore({ dataDir: dir }),
      raw: () => {
        const db = new DatabaseSync(join(dir, SQLITE_FILE_NAME));
        db.exec('PRAGMA busy_timeout = 5000');
        return Promise.resolve({
          run: (text: string, params: unknown[]) => {
            db.prepare(text).run(...(params as (string | number | null)[]));
            return Promise.resolve();
          },
          close: () => {
            db.close();
            return Promise.resolve();
          },
        });
      },
      teardown: () => {
        rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    });
  },
};

const postgresBackend: Backend = {
  name: 'postgres',
  async setup() {
    const dbName = `clawplane_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = `postgres://postgres@127.0.0.1:5432/${dbName}`;
    const dataDir = join(tmpdir(), 'clawplane-store-unused');
    return {
      open: () => openStore({ url, dataDir }),
      raw: async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        return {
          run: async (text: string, params: unknown[]) => {
            let i = 0;
            await client.query(text.replace(/\?/g, () => `$${++i}`), params);
          },
          close: () => client.end(),
        };
      },
      teardown: async () => {
        const c = new pg.Client({ connectionString: PG_ADMIN_URL });
        await c.connect();
        await c.query(`drop database if exists ${dbName} with (force)`);
        await c.end();
      },
    };
  },
};

const T0 = '2026-12-04T10:00:00.000Z';
const T1 = '2026-12-04T11:00:00.000Z';

function gw(org: string, name: string, extra: Partial<ResourceInput<'Gateway'>['metadata']> = {}, spec: unknown = { port: 18789 }): ResourceInput<'Gateway'> {
  return { kind: 'Gateway', metadata: { org, name, ...extra }, spec };
}

describe.each([sqliteBackend, postgresBackend])('Store conformance: $name', (backend) => {
  let store: Store;
  let env: Awaited<ReturnType<Backend['setup']>>;
  let uidCounter = 0;
  const uid = () => `uid-${++uidCounter}`;

  beforeAll(async () => {
    env = await backend.setup();
    store = await env.open();
  });

  afterAll(async () => {
    await store?.close();
    await env?.teardown();
  });

  it('reports its dialect', () => {
    expect(store.dialect).toBe(backend.name);
  });

  it('creates, reads, updates and deletes a resource', async () => {
    const org = 'crud';
    const created = await store.transaction((r) =>
      r.resources.create(gw(org, 'gw-a', { group: 'team-a', labels: { env: 'prod' }, annotations: { note: 'x' } }, { port: 18789, exposure: 'loopback' }), T0, 'uid-a'),
    );
    expect(created).toEqual({
      apiVersion: 'clawplane.dev/v1alpha1',
      kind: 'Gateway',
      metadata: { name: 'gw-a', org, group: 'team-a', labels: { env: 'prod' }, annotations: { note: 'x' }, resourceVersion: 1, generation: 1, uid: 'uid-a', createdAt: T0, updatedAt: T0 },
      spec: { port: 18789, exposure: 'loopback' },
    });
    expect(await store.transaction((r) => r.resources.get(org, 'Gateway', 'gw-a'))).toEqual(created);
    expect(await store.transaction((r) => r.resources.get(org, 'Agent', 'gw-a'))).toBeUndefined();
    expect(await store.transaction((r) => r.resources.get('other', 'Gateway', 'gw-a'))).toBeUndefined();

    await expect(store.transaction((r) => r.resources.create(gw(org, 'gw-a'), T1, uid()))).rejects.toThrow(StoreConflict);
    await expect(store.transaction((r) => r.resources.create(gw(org, 'gw-a'), T1, uid()))).rejects.toThrow('Gateway/gw-a already exists');
    // the same name in another org or of another kind is a different resource
    await store.transaction((r) => r.resources.create(gw('crud-2', 'gw-a'), T0, uid()));

    const updated = await store.transaction((r) => r.resources.update(gw(org, 'gw-a', { gateway: 'gw-a' }, { port: 18790 }), T1, 1));
    expect(updated.metadata).toMatchObject({ gateway: 'gw-a', resourceVersion: 2, generation: 2, uid: 'uid-a', createdAt: T0, updatedAt: T1 });
    expect(updated.metadata.labels).toBeUndefined();
    expect(updated.metadata.group).toBeUndefined();
    expect(await store.transaction((r) => r.resources.get(org, 'Gateway', 'gw-a'))).toEqual(updated);

    const deleted = await store.transaction((r) => r.resources.delete(org, 'Gateway', 'gw-a'));
    expect(deleted).toEqual(updated);
    expect(await store.transaction((r) => r.resources.get(org, 'Gateway', 'gw-a'))).toBeUndefined();
    expect(await store.transaction((r) => r.resources.delete(org, 'Gateway', 'gw-a'))).toBeUndefined();
    await expect(store.transaction((r) => r.resources.update(gw(org, 'gw-a'), T1))).rejects.toThrow(StoreConflict);
    await expect(store.transaction((r) => r.resources.updateStatus(org, 'Gateway', 'gw-a', {}, T1))).rejects.toThrow(StoreConflict);
  });

  it('bumps resourceVersion on every write and generation only when the spec changes', async () => {
    const org = 'gen';
    await store.transaction((r) => r.resources.create(gw(org, 'g', {}, { port: 1, nested: { a: 1, b: [1, 2] } }), T0, uid()));
    // same spec, different key order: no new generation
    let res = await store.transaction((r) => r.resources.update(gw(org, 'g', {}, { nested: { b: [1, 2], a: 1 }, port: 1 }), T1));
    expect(res.metadata).toMatchObject({ resourceVersion: 2, generation: 1 });
    // metadata-only change
    res = await store.transaction((r) => r.resources.update(gw(org, 'g', { labels: { env: 'dev' } }, { port: 1, nested: { a: 1, b: [1, 2] } }), T1));
    expect(res.metadata).toMatchObject({ resourceVersion: 3, generation: 1, labels: { env: 'dev' } });
    // status: resourceVersion only
    res = await store.transaction((r) => r.resources.updateStatus(org, 'Gateway', 'g', { phase: 'running', observedGeneration: 1 }, T1));
    expect(res.metadata).toMatchObject({ resourceVersion: 4, generation: 1 });
    expect(res.status).toEqual({ phase: 'running', observedGeneration: 1 });
    // spec change (array order matters)
    res = await store.transaction((r) => r.resources.update(gw(org, 'g', {}, { port: 1, nested: { a: 1, b: [2, 1] } }), T1));
    expect(res.metadata).toMatchObject({ resourceVersion: 5, generation: 2 });
    expect(res.status).toEqual({ phase: 'running', observedGeneration: 1 });
    expect(await store.transaction((r) => r.resources.get(org, 'Gateway', 'g'))).toEqual(res);
  });

  it('rejects writes based on a stale resourceVersion', async () => {
    const org = 'stale';
    await store.transaction((r) => r.resources.create(gw(org, 'x'), T0, uid()));
    for (let i = 0; i < 4; i++) await store.transaction((r) => r.resources.update(gw(org, 'x', {}, { port: 2000 + i }), T1));
    const err = await store.transaction((r) => r.resources.update(gw(org, 'x', {}, { port: 9 }), T1, 3)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreConflict);
    expect((err as Error).message).toBe('Gateway/x was modified: resourceVersion is 5, the update was based on 3');
    await expect(store.transaction((r) => r.resources.delete(org, 'Gateway', 'x', 4))).rejects.toThrow('resourceVersion is 5, the delete was based on 4');
    const current = await store.transaction((r) => r.resources.get(org, 'Gateway', 'x'));
    expect(current?.metadata.resourceVersion).toBe(5);
    expect(current?.spec).toEqual({ port: 2003 });
    const ok = await store.transaction((r) => r.resources.update(gw(org, 'x', {}, { port: 9 }), T1, 5));
    expect(ok.metadata.resourceVersion).toBe(6);
    expect(await store.transaction((r) => r.resources.delete(org, 'Gateway', 'x', 6))).toBeDefined();
  });

  it('lets exactly one of two concurrent writes based on the same version win', async () => {
    const org = 'race';
    await store.transaction((r) => r.resources.create(gw(org, 'r'), T0, uid()));
    for (let round = 0; round < 5; round++) {
      const base = (await store.transaction((r) => r.resources.get(org, 'Gateway', 'r')))!.metadata.resourceVersion;
      const results = await Promise.allSettled(
        [1, 2].map((n) => store.transaction((r) => r.resources.update(gw(org, 'r', {}, { port: 20000 + round * 10 + n }), T1, base))),
      );
      expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((x) => x.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(StoreConflict);
      const now = await store.transaction((r) => r.resources.get(org, 'Gateway', 'r'));
      expect(now?.metadata.resourceVersion).toBe(base + 1);
    }
  });

  it('filters lists by label selector, gateway and group', async () => {
    const org = 'labels';
    await store.transaction(async (r) => {
      await r.resources.create(gw(org, 'a', { labels: { env: 'prod', tier: 'web' }, group: 'g1' }), T0, uid());
      await r.resources.create(gw(org, 'b', { labels: { env: 'prod', tier: 'db' }, group: 'g2' }), T0, uid());
      await r.resources.create(gw(org, 'c', { labels: { env: 'dev', 'app.kubernetes.io/name': 'claw' } }), T0, uid());
      await r.resources.create(gw(org, 'd'), T0, uid());
      const agent = (name: string, gateway: string): ResourceInput<'Agent'> => ({ kind: 'Agent', metadata: { org, name, gateway }, spec: {} });
      await r.resources.create(agent('ag-1', 'a'), T0, uid());
      await r.resources.create(agent('ag-2', 'b'), T0, uid());
      await r.resources.create(agent('ag-3', 'a'), T0, uid());
    });
    const names = async (kind: Kind, opts: ListOptions) =>
      (await store.transaction((r) => r.resources.list(org, kind, opts))).items.map((i) => i.metadata.name);
    expect(await names('Gateway', {})).toEqual(['a', 'b', 'c', 'd']);
    expect(await names('Gateway', { labels: {} })).toEqual(['a', 'b', 'c', 'd']);
    expect(await names('Gateway', { labels: { env: 'prod' } })).toEqual(['a', 'b']);
    expect(await names('Gateway', { labels: { env: 'prod', tier: 'db' } })).toEqual(['b']);
    expect(await names('Gateway', { labels: { env: 'prod', tier: 'none' } })).toEqual([]);
    expect(await names('Gateway', { labels: { 'app.kubernetes.io/name': 'claw' } })).toEqual(['c']);
    expect(await names('Gateway', { labels: { missing: '' } })).toEqual([]);
    expect(await names('Gateway', { group: 'g2' })).toEqual(['b']);
    expect(await names('Gateway', { group: 'g1', labels: { env: 'prod' } })).toEqual(['a']);
    expect(await names('Agent', { gateway: 'a' })).toEqual(['ag-1', 'ag-3']);
    expect(await names('Agent', {})).toEqual(['ag-1', 'ag-2', 'ag-3']);
    expect(await names('Gateway', { gateway: 'a' })).toEqual([]);
  });

  it('paginates in name order with an opaque continue token', async () => {
    const org = 'pages';
    const all = Array.from({ length: 25 }, (_, i) => `gw-${String(i).padStart(2, '0')}`);
    const shuffled = [...all].sort((a, b) => (a.split('').reverse().join('') < b.split('').reverse().join('') ? -1 : 1));
    await store.transaction(async (r) => {
      for (const n of shuffled) await r.resources.create(gw(org, n), T0, uid());
    });
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cont: string | undefined;
    do {
      const page = await store.transaction((r) => r.resources.list(org, 'Gateway', { limit: 10, ...(cont ? { continue: cont } : {}) }));
      pageSizes.push(page.items.length);
      seen.push(...page.items.map((i) => i.metadata.name));
      cont = page.continue;
      if (cont) expect(cont).not.toContain('gw-');
    } while (cont);
    expect(pageSizes).toEqual([10, 10, 5]);
    expect(seen).toEqual(all);

    // an exact multiple of the page size ends without a dangling empty page
    const first = await store.transaction((r) => r.resources.list(org, 'Gateway', { limit: 5, labels: {} }));
    const p2 = await store.transaction((r) => r.resources.list(org, 'Gateway', { limit: 20, continue: first.continue! }));
    expect(p2.items).toHaveLength(20);
    expect(p2.continue).toBeUndefined();

    const everything = await store.transaction((r) => r.resources.list(org, 'Gateway'));
    expect(everything.items).toHaveLength(25);
    expect(everything.continue).toBeUndefined();
    await expect(store.transaction((r) => r.resources.list(org, 'Gateway', { continue: 'not-a-token' }))).rejects.toThrow(StoreInvalidInput);
  });

  it('lists organizations', async () => {
    await store.transaction(async (r) => {
      await r.resources.create({ kind: 'Organization', metadata: { org: 'zeta-org', name: 'zeta-org' }, spec: { displayName: 'Zeta' } }, T0, uid());
      await r.resources.create({ kind: 'Organization', metadata: { org: 'alpha-org', name: 'alpha-org' }, spec: { displayName: 'Alpha' } }, T0, uid());
      await r.resources.create(gw('alpha-org', 'alpha-org'), T0, uid());
    });
    const orgs = await store.transaction((r) => r.resources.listOrganizations());
    expect(orgs.every((o) => o.kind === 'Organization' && o.metadata.org === o.metadata.name)).toBe(true);
    const names = orgs.map((o) => o.metadata.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['alpha-org', 'zeta-org']));
    expect(orgs.find((o) => o.metadata.name === 'zeta-org')?.spec).toEqual({ displayName: 'Zeta' });
  });

  it('rolls back everything, audit included, when the transaction throws', async () => {
    const org = 'rollback';
    await expect(
      store.transaction(async (r) => {
        await r.resources.create(gw(org, 'doomed'), T0, uid());
        await r.audit.append({ org, actor: 'alice', action: 'create', target: 'Gateway/doomed', diff: { spec: {} }, time: T0 });
        await r.auth.createUser({ id: 'u-doomed', name: 'doomed', createdAt: T0 });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    // a conflict half-way also rolls back the earlier writes
    await store.transaction((r) => r.resources.create(gw(org, 'exists'), T0, uid()));
    await expect(
      store.transaction(async (r) => {
        await r.audit.append({ org, actor: 'alice', action: 'create', target: 'Gateway/exists', diff: null, time: T0 });
        await r.resources.create(gw(org, 'exists'), T0, uid());
      }),
    ).rejects.toThrow(StoreConflict);
    await store.transaction(async (r) => {
      expect(await r.resources.get(org, 'Gateway', 'doomed')).toBeUndefined();
      expect(await r.audit.list(org)).toEqual([]);
      expect(await r.audit.head(org)).toEqual({ seq: 0, hash: '0'.repeat(64) });
      expect(await r.auth.getUser('u-doomed')).toBeUndefined();
    });
    // the store is still usable and the chain starts at 1
    const e = await store.transaction((r) => r.audit.append({ org, actor: 'alice', action: 'noop', target: 'Gateway/exists', diff: {}, time: T1 }));
    expect(e.seq).toBe(1);
  });

  it('chains 20 concurrent audit appends without gaps', async () => {
    const org = 'concurrent';
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.transaction(async (r) => {
          await r.resources.create(gw(org, `gw-${i}`), T0, uid());
          return r.audit.append({ org, actor: `actor-${i}`, action: 'create', target: `Gateway/gw-${i}`, diff: { i, nested: { z: 1, a: [true, null] } }, requestId: `req-${i}`, time: T0 });
        }),
      ),
    );
    expect(results.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const { events, head } = await store.transaction(async (r) => ({ events: await r.audit.list(org), head: await r.audit.head(org) }));
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(head).toEqual({ seq: 20, hash: events[19]!.hash });
    expect(verifyAuditChain(events, { head })).toEqual({ ok: true, checked: 20, problems: [] });
    // what append returned is exactly what list reads back
    expect([...results].sort((a, b) => a.seq - b.seq)).toEqual(events);
    expect(events.find((e) => e.actor === 'actor-3')).toMatchObject({ requestId: 'req-3', diff: { i: 3, nested: { z: 1, a: [true, null] } } });
  });

  it('lists audit events after a seq, by target and with a limit', async () => {
    const org = 'audit-list';
    await store.transaction(async (r) => {
      for (let i = 1; i <= 6; i++) await r.audit.append({ org, actor: 'bob', action: 'update', target: i % 2 ? 'Gateway/odd' : 'Gateway/even', diff: { i }, time: T0 });
    });
    const list = (opts: { afterSeq?: number; limit?: number; target?: string }) => store.transaction((r) => r.audit.list(org, opts));
    expect((await list({ afterSeq: 4 })).map((e) => e.seq)).toEqual([5, 6]);
    expect((await list({ target: 'Gateway/even' })).map((e) => e.seq)).toEqual([2, 4, 6]);
    expect((await list({ limit: 2, afterSeq: 1 })).map((e) => e.seq)).toEqual([2, 3]);
    expect((await list({})).every((e) => e.requestId === undefined)).toBe(true);
    expect(await store.transaction((r) => r.audit.list('no-such-org'))).toEqual([]);
  });

  it('detects tampering with stored audit events', async () => {
    const raw = await env.raw();
    try {
      const seed = async (org: string) =>
        store.transaction(async (r) => {
          for (let i = 1; i <= 5; i++) await r.audit.append({ org, actor: 'carol', action: 'update', target: `Gateway/g${i}`, diff: { port: 18000 + i }, time: T0 });
        });
      const verify = (org: string) =>
        store.transaction(async (r) => verifyAuditChain(await r.audit.list(org), { head: await r.audit.head(org) }));

      await seed('tamper-diff');
      expect((await verify('tamper-diff')).ok).toBe(true);
      await raw.run('update audit_events set diff = ? where org = ? and seq = ?', ['{"port":1}', 'tamper-diff', 3]);
      const altered = await verify('tamper-diff');
      expect(altered.ok).toBe(false);
      expect(altered.problems).toEqual([{ seq: 3, message: expect.stringContaining('altered') as string }]);

      await seed('tamper-delete');
      await raw.run('delete from audit_events where org = ? and seq = ?', ['tamper-delete', 2]);
      const removed = await verify('tamper-delete');
      expect(removed.ok).toBe(false);
      expect(removed.problems[0]).toEqual({ seq: 3, message: expect.stringContaining('missing event(s) 2..2') as string });

      await seed('tamper-tail');
      await raw.run('delete from audit_events where org = ? and seq = ?', ['tamper-tail', 5]);
      const truncated = await verify('tamper-tail');
      expect(truncated.ok).toBe(false);
      expect(truncated.problems[0]?.message).toContain('events were removed');

      await seed('tamper-swap');
      await raw.run('update audit_events set seq = ? where org = ? and seq = ?', [100, 'tamper-swap', 2]);
      await raw.run('update audit_events set seq = ? where org = ? and seq = ?', [2, 'tamper-swap', 3]);
      await raw.run('update audit_events set seq = ? where org = ? and seq = ?', [3, 'tamper-swap', 100]);
      expect((await verify('tamper-swap')).ok).toBe(false);
    } finally {
      await raw.close();
    }
  });

  it('stores users, API tokens by hash and role grants', async () => {
    await store.transaction(async (r) => {
      await r.auth.createUser({ id: 'u1', name: 'alice', createdAt: T0 });
      await r.auth.createUser({ id: 'u2', name: 'bob', createdAt: T1 });
    });
    await expect(store.transaction((r) => r.auth.createUser({ id: 'u3', name: 'alice', createdAt: T1 }))).rejects.toThrow(StoreConflict);
    await expect(store.transaction((r) => r.auth.createUser({ id: 'u1', name: 'other', createdAt: T1 }))).rejects.toThrow(StoreConflict);

    await store.transaction(async (r) => {
      expect(await r.auth.getUser('u1')).toEqual({ id: 'u1', name: 'alice', createdAt: T0 });
      expect(await r.auth.getUserByName('bob')).toEqual({ id: 'u2', name: 'bob', createdAt: T1 });
      expect(await r.auth.getUser('nobody')).toBeUndefined();
      expect(await r.auth.getUserByName('nobody')).toBeUndefined();
      expect((await r.auth.listUsers()).map((u) => u.name)).toEqual(expect.arrayContaining(['alice', 'bob']));
    });

    const h1 = 'a'.repeat(64);
    const h2 = 'b'.repeat(64);
    await store.transaction(async (r) => {
      await r.auth.createToken({ id: 't1', userId: 'u1', hash: h1, description: 'ci', createdAt: T0, expiresAt: '2027-01-01T00:00:00.000Z' });
      await r.auth.createToken({ id: 't2', userId: 'u1', hash: h2, description: 'laptop', createdAt: T1 });
    });
    await expect(store.transaction((r) => r.auth.createToken({ id: 't3', userId: 'u2', hash: h1, description: 'dup', createdAt: T1 }))).rejects.toThrow(StoreConflict);
    await expect(store.transaction((r) => r.auth.createToken({ id: 't4', userId: 'ghost', hash: 'c'.repeat(64), description: 'x', createdAt: T1 }))).rejects.toThrow(StoreConflict);
    await store.transaction(async (r) => {
      expect(await r.auth.findTokenByHash(h1)).toEqual({ id: 't1', userId: 'u1', hash: h1, description: 'ci', createdAt: T0, expiresAt: '2027-01-01T00:00:00.000Z' });
      expect(await r.auth.findTokenByHash(h2)).toEqual({ id: 't2', userId: 'u1', hash: h2, description: 'laptop', createdAt: T1 });
      expect(await r.auth.findTokenByHash('d'.repeat(64))).toBeUndefined();
      expect((await r.auth.listTokens('u1')).map((t) => t.id)).toEqual(['t1', 't2']);
      expect(await r.auth.listTokens('u2')).toEqual([]);
      expect(await r.auth.deleteToken('t1')).toBe(true);
      expect(await r.auth.deleteToken('t1')).toBe(false);
      expect(await r.auth.findTokenByHash(h1)).toBeUndefined();
    });

    await store.transaction(async (r) => {
      await r.auth.grant({ userId: 'u1', org: 'acme', role: 'viewer' });
      await r.auth.grant({ userId: 'u1', org: 'acme', role: 'admin' });
      await r.auth.grant({ userId: 'u1', org: '*', role: 'viewer' });
      await r.auth.grant({ userId: 'u2', org: 'acme', role: 'operator' });
    });
    await expect(store.transaction((r) => r.auth.grant({ userId: 'ghost', org: 'acme', role: 'admin' }))).rejects.toThrow(StoreConflict);
    await store.transaction(async (r) => {
      expect(await r.auth.grantsOf('u1')).toEqual([
        { userId: 'u1', org: '*', role: 'viewer' },
        { userId: 'u1', org: 'acme', role: 'admin' },
      ]);
      expect(await r.auth.grantsIn('acme')).toEqual([
        { userId: 'u1', org: 'acme', role: 'admin' },
        { userId: 'u2', org: 'acme', role: 'operator' },
      ]);
      expect(await r.auth.revoke('u2', 'acme')).toBe(true);
      expect(await r.auth.revoke('u2', 'acme')).toBe(false);
      expect(await r.auth.grantsIn('acme')).toEqual([{ userId: 'u1', org: 'acme', role: 'admin' }]);
    });
  });

  it('stores password hashes, OIDC subjects, scoped tokens, sessions and login throttling (migration 0004)', async () => {
    await store.transaction(async (r) => {
      await r.auth.createUser({ id: 'id-u1', name: 'carol', createdAt: T0 });
      await r.auth.createUser({ id: 'id-u2', name: 'dave', createdAt: T0, oidcSubject: 'https://idp|dave' });
    });
    await store.transaction(async (r) => {
      expect(await r.auth.getPasswordHash('id-u1')).toBeUndefined();
      await r.auth.setPasswordHash('id-u1', 'scrypt$17$8$1$c2FsdA$aGFzaA');
      expect(await r.auth.getPasswordHash('id-u1')).toBe('scrypt$17$8$1$c2FsdA$aGFzaA');
      expect((await r.auth.getUser('id-u1'))).toEqual({ id: 'id-u1', name: 'carol', createdAt: T0 });
      expect(await r.auth.getUserByOidcSubject('https://idp|dave')).toMatchObject({ id: 'id-u2', name: 'dave', oidcSubject: 'https://idp|dave' });
      await r.auth.setOidcSubject('id-u1', 'https://idp|carol');
      expect((await r.auth.getUserByOidcSubject('https://idp|carol'))?.name).toBe('carol');
      await r.auth.setPasswordHash('id-u1', undefined);
      expect(await r.auth.getPasswordHash('id-u1')).toBeUndefined();
    });
    await expect(store.transaction((r) => r.auth.setOidcSubject('id-u1', 'https://idp|dave'))).rejects.toThrow(StoreConflict);
    await store.transaction(async (r) => {
      await r.auth.createToken({ id: 'id-t1', userId: 'id-u1', hash: 'e'.repeat(64), description: 'scoped', createdAt: T0, scopes: ['read', 'audit:read'], org: 'acme', agent: 'helpdesk' });
      expect(await r.auth.getToken('id-t1')).toEqual({ id: 'id-t1', userId: 'id-u1', hash: 'e'.repeat(64), description: 'scoped', createdAt: T0, scopes: ['read', 'audit:read'], org: 'acme', agent: 'helpdesk' });
      expect(await r.auth.getToken('nope')).toBeUndefined();
      await r.sessions.create({ hash: 'f'.repeat(64), userId: 'id-u1', method: 'password', createdAt: T0, lastSeenAt: T0, expiresAt: T1 });
      await r.sessions.create({ hash: '1'.repeat(64), userId: 'id-u1', method: 'oidc', createdAt: T0, lastSeenAt: T0, expiresAt: T1 });
      await r.sessions.touch('f'.repeat(64), T1);
      expect(await r.sessions.find('f'.repeat(64))).toEqual({ hash: 'f'.repeat(64), userId: 'id-u1', method: 'password', createdAt: T0, lastSeenAt: T1, expiresAt: T1 });
      expect(await r.sessions.delete('f'.repeat(64))).toBe(true);
      expect(await r.sessions.delete('f'.repeat(64))).toBe(false);
      expect(await r.sessions.find('f'.repeat(64))).toBeUndefined();
      await r.auth.grant({ userId: 'id-u1', org: 'acme', role: 'auditor' });
      expect(await r.auth.grantsOf('id-u1')).toEqual([{ userId: 'id-u1', org: 'acme', role: 'auditor' }]);
    });
    await expect(store.transaction((r) => r.sessions.create({ hash: '2'.repeat(64), userId: 'ghost', method: 'password', createdAt: T0, lastSeenAt: T0, expiresAt: T1 }))).rejects.toThrow(StoreConflict);
    await store.transaction(async (r) => {
      expect(await r.auth.deleteUser('id-u1')).toBe(true);
      expect(await r.auth.deleteUser('id-u1')).toBe(false);
      expect(await r.sessions.find('1'.repeat(64))).toBeUndefined();
      expect(await r.auth.getToken('id-t1')).toBeUndefined();
      expect(await r.auth.grantsOf('id-u1')).toEqual([]);
      expect(await r.sessions.deleteForUser('id-u2')).toBe(0);
    });
    await store.transaction(async (r) => {
      expect(await r.loginThrottle.get('user:carol')).toBeUndefined();
      await r.loginThrottle.put({ key: 'user:carol', failures: 1, updatedAt: T0 });
      await r.loginThrottle.put({ key: 'user:carol', failures: 6, lockedUntil: T1, updatedAt: T1 });
      expect(await r.loginThrottle.get('user:carol')).toEqual({ key: 'user:carol', failures: 6, lockedUntil: T1, updatedAt: T1 });
      await r.loginThrottle.clear('user:carol');
      expect(await r.loginThrottle.get('user:carol')).toBeUndefined();
      await r.loginThrottle.put({ key: 'ip:old', failures: 3, updatedAt: T0 });
      await r.loginThrottle.put({ key: 'ip:locked', failures: 30, updatedAt: T0, lockedUntil: '2026-12-04T13:00:00.000Z' });
      await r.loginThrottle.put({ key: 'ip:new', failures: 1, updatedAt: T1 });
      expect(await r.loginThrottle.purgeStale(T1, T1)).toBe(1);
      expect(await r.loginThrottle.get('ip:old')).toBeUndefined();
      expect(await r.loginThrottle.get('ip:locked')).toBeDefined();
      expect(await r.loginThrottle.get('ip:new')).toBeDefined();
    });
    await store.transaction(async (r) => {
      await r.sessions.create({ hash: '3'.repeat(64), userId: 'id-u2', method: 'oidc', createdAt: T0, lastSeenAt: T0, expiresAt: T1 });
      await r.sessions.create({ hash: '4'.repeat(64), userId: 'id-u2', method: 'oidc', createdAt: T0, lastSeenAt: T1, expiresAt: '2026-12-05T00:00:00.000Z' });
      await r.sessions.create({ hash: '5'.repeat(64), userId: 'id-u2', method: 'oidc', createdAt: T0, lastSeenAt: T0, expiresAt: '2026-12-05T00:00:00.000Z' });
      expect(await r.sessions.purgeExpired(T1, '2026-12-04T10:30:00.000Z')).toBe(2);
      expect((await r.sessions.find('4'.repeat(64)))?.userId).toBe('id-u2');
    });
  });

  it('numbers revisions per gateway, keeps them immutable and marks them known-good', async () => {
    const base = { org: 'rev-org', createdAt: '2026-12-04T16:00:00.000Z', configHash: 'c1', runtimeVersion: '2026.9.6', files: { 'openclaw.json': '{"a":1}', 'workspaces/x/AGENTS.md': '# hi' }, envNames: ['B_TOKEN', 'A_KEY'], cause: 'generation 1' };
    const r1 = await store.transaction((repos) => repos.revisions.append({ ...base, gateway: 'gw-a', specHash: 's1' }));
    const r2 = await store.transaction((repos) => repos.revisions.append({ ...base, gateway: 'gw-a', specHash: 's2', cause: 'generation 2' }));
    const other = await store.transaction((repos) => repos.revisions.append({ ...base, gateway: 'gw-b', specHash: 's9' }));
    expect([r1.number, r2.number, other.number]).toEqual([1, 2, 1]);
    expect(r1.knownGood).toBe(false);
    expect(await store.transaction((repos) => repos.revisions.markKnownGood('rev-org', 'gw-a', 1))).toBe(true);
    expect(await store.transaction((repos) => repos.revisions.markKnownGood('rev-org', 'gw-a', 7))).toBe(false);
    const list = await store.transaction((repos) => repos.revisions.list('rev-org', 'gw-a'));
    expect(list.map((r) => [r.number, r.specHash, r.knownGood, r.cause])).toEqual([[1, 's1', true, 'generation 1'], [2, 's2', false, 'generation 2']]);
    expect(list[0]!.files).toEqual(base.files);
    expect(list[0]!.envNames).toEqual(['A_KEY', 'B_TOKEN']);
    expect(await store.transaction((repos) => repos.revisions.get('rev-org', 'gw-a', 2))).toMatchObject({ number: 2, runtimeVersion: '2026.9.6', configHash: 'c1' });
    expect(await store.transaction((repos) => repos.revisions.get('rev-org', 'gw-a', 3))).toBeUndefined();
    expect(await store.transaction((repos) => repos.revisions.list('rev-org', 'nope'))).toEqual([]);
  });

  it('counts rollout failures per runtime version (circuit breaker) and clears them', async () => {
    expect(await store.transaction((r) => r.breakers.get('brk', '2026.9.5'))).toBeUndefined();
    const one = await store.transaction((r) => r.breakers.recordFailure('brk', '2026.9.5', 'ro-1', '2026-12-04T16:00:00.000Z'));
    expect(one).toEqual({ org: 'brk', version: '2026.9.5', failures: 1, lastFailureAt: '2026-12-04T16:00:00.000Z', lastRollout: 'ro-1' });
    await store.transaction((r) => r.breakers.recordFailure('brk', '2026.9.5', 'ro-2', '2026-12-04T16:05:00.000Z'));
    await store.transaction((r) => r.breakers.recordFailure('brk', '2026.9.4', 'ro-3', '2026-12-04T16:06:00.000Z'));
    await store.transaction((r) => r.breakers.recordFailure('other', '2026.9.5', 'ro-9', '2026-12-04T16:06:00.000Z'));
    expect(await store.transaction((r) => r.breakers.get('brk', '2026.9.5'))).toMatchObject({ failures: 2, lastRollout: 'ro-2' });
    expect((await store.transaction((r) => r.breakers.list('brk'))).map((b) => [b.version, b.failures])).toEqual([['2026.9.4', 1], ['2026.9.5', 2]]);
    expect(await store.transaction((r) => r.breakers.clear('brk', '2026.9.5'))).toBe(true);
    expect(await store.transaction((r) => r.breakers.clear('brk', '2026.9.5'))).toBe(false);
    expect(await store.transaction((r) => r.breakers.get('brk', '2026.9.5'))).toBeUndefined();
    expect(await store.transaction((r) => r.breakers.get('other', '2026.9.5'))).toMatchObject({ failures: 1 });
  });

  it('keeps data across reopening, with migrations applied only once', async () => {
    await store.transaction((r) => r.resources.create(gw('reopen', 'kept', {}, { port: 18999 }), T0, 'uid-kept'));
    const second = await env.open();
    try {
      const got = await second.transaction((r) => r.resources.get('reopen', 'Gateway', 'kept'));
      expect(got?.metadata.uid).toBe('uid-kept');
      expect(got?.spec).toEqual({ port: 18999 });
    } finally {
      await second.close();
    }
  });
});

describe('openStore', () => {
  it('creates the SQLite file in the data dir and rejects unknown url schemes', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'clawplane-open-')), 'nested', 'data');
    try {
      const s = await openStore({ dataDir: dir });
      expect(s.dialect).toBe('sqlite');
      expect(existsSync(join(dir, SQLITE_FILE_NAME))).toBe(true);
      await s.close();
      const raw = new DatabaseSync(join(dir, SQLITE_FILE_NAME));
      expect(raw.prepare('pragma journal_mode').get()).toEqual({ journal_mode: 'wal' });
      raw.close();
      await expect(s.transaction(() => Promise.resolve(1))).rejects.toThrow('closed');
      await expect(openStore({ url: 'mysql://user:secret@host/db', dataDir: dir })).rejects.toThrow('unsupported store url scheme "mysql:"');
      await expect(openStore({ url: 'mysql://user:secret@host/db', dataDir: dir })).rejects.not.toThrow('secret');
      const viaUrl = await openStore({ url: `sqlite:${join(dir, 'other.db')}`, dataDir: dir });
      expect(viaUrl.dialect).toBe('sqlite');
      await viaUrl.close();
      expect(existsSync(join(dir, 'other.db'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
