// The HTTP API over real stores: apply/get/diff/delete round trips, errors, audit and its chain.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, createHarness } from '../helpers/api-harness.ts';
import { withPostgresDatabase } from '../helpers/postgres.ts';

const fleet = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'small-fleet.yaml'), 'utf8');

function suite(name: string, make: () => Promise<{ h: Harness; tamper: (sql: string) => Promise<void> }>): void {
  describe(`API on ${name}`, () => {
    let h: Harness;
    let tamper: (sql: string) => Promise<void>;
    beforeAll(async () => {
      ({ h, tamper } = await make());
    });
    afterAll(async () => h?.close());

    it('applies a fleet file and round-trips gateways as JSON', async () => {
      const res = await h.request('POST', '/v1/apply', { text: fleet });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { items: { kind: string; name: string; action: string }[] };
      expect(body.items.map((i) => `${i.kind}/${i.name}:${i.action}`)).toContain('Gateway/support-gw:created');
      const list = (await (await h.request('GET', '/v1/orgs/acme/gateways')).json()) as { items: { metadata: { name: string; generation: number; resourceVersion: number }; spec: { port: number } }[] };
      expect(list.items.map((g) => [g.metadata.name, g.spec.port, g.metadata.generation])).toEqual([['ops-gw', 19000, 1], ['support-gw', 18800, 1]]);
      const again = (await (await h.request('POST', '/v1/apply', { text: fleet })).json()) as { items: { action: string }[] };
      expect(again.items.every((i) => i.action === 'unchanged')).toBe(true);
    });

    it('diffs per resource, bumps generation on spec change only, and refuses stale versions', async () => {
      const changed = fleet.replace('port: 18800', 'port: 18900');
      const diff = (await (await h.request('POST', '/v1/diff', { text: changed })).json()) as { items: { kind: string; name: string; action: string; diff: { path: string }[] }[] };
      const gw = diff.items.find((i) => i.name === 'support-gw')!;
      expect(gw.action).toBe('configured');
      expect(gw.diff.map((d) => d.path)).toEqual(['spec.port']);
      const before = (await (await h.request('GET', '/v1/orgs/acme/gateways/support-gw')).json()) as { metadata: { resourceVersion: number; generation: number } };
      expect((await h.request('POST', '/v1/apply', { text: changed })).status).toBe(200);
      const after = (await (await h.request('GET', '/v1/orgs/acme/gateways/support-gw')).json()) as { metadata: { resourceVersion: number; generation: number }; spec: Record<string, unknown> };
      expect(after.metadata.generation).toBe(before.metadata.generation + 1);
      const stale = await h.request('PUT', '/v1/orgs/acme/gateways/support-gw', {
        body: { kind: 'Gateway', metadata: { name: 'support-gw', group: 'support', resourceVersion: before.metadata.resourceVersion }, spec: { port: 18801 } },
      });
      expect(stale.status).toBe(409);
      const err = (await stale.json()) as { error: { code: string; message: string; requestId: string } };
      expect(err.error.code).toBe('conflict');
      expect(err.error.message).toMatch(/resourceVersion/);
      expect(err.error.requestId).toMatch(/.+/);
    });

    it('rejects a bad fleet with every issue and applies nothing', async () => {
      const bad = `${fleet}---
kind: Agent
metadata: { name: orphan, gateway: missing-gw }
spec: {}
---
kind: Gateway
metadata: { name: New_GW }
spec: { port: 5 }
`;
      const res = await h.request('POST', '/v1/apply', { text: bad });
      expect(res.status).toBe(422);
      const { error } = (await res.json()) as { error: { issues: { document: number; path: string; message: string }[] } };
      expect(error.issues.map((i) => `${i.document}:${i.path}`)).toEqual(expect.arrayContaining(['9:metadata.name', '9:spec.port']));
      const refs = await h.request('POST', '/v1/apply', { text: `${fleet}---\nkind: Agent\nmetadata: { name: orphan, gateway: missing-gw }\nspec: {}\n` });
      expect(refs.status).toBe(422);
      expect(JSON.stringify(await refs.json())).toMatch(/Gateway \\"missing-gw\\" does not exist/);
      expect((await h.request('GET', '/v1/orgs/acme/agents/orphan')).status).toBe(404);
    });

    it('lists with label selectors and pages with continue tokens', async () => {
      const prod = (await (await h.request('GET', '/v1/orgs/acme/gateways?labelSelector=env%3Dprod')).json()) as { items: { metadata: { name: string } }[] };
      expect(prod.items.map((g) => g.metadata.name)).toEqual(['support-gw']);
      const p1 = (await (await h.request('GET', '/v1/orgs/acme/gateways?limit=1')).json()) as { items: { metadata: { name: string } }[]; continue?: string };
      expect(p1.items).toHaveLength(1);
      expect(p1.continue).toBeTruthy();
      const p2 = (await (await h.request('GET', `/v1/orgs/acme/gateways?limit=1&continue=${encodeURIComponent(p1.continue!)}`)).json()) as { items: { metadata: { name: string } }[] };
      expect([p1.items[0]!.metadata.name, p2.items[0]!.metadata.name]).toEqual(['ops-gw', 'support-gw']);
      expect((await h.request('GET', '/v1/orgs/acme/gateways?labelSelector=%21%21')).status).toBe(422);
    });

    it('answers with one error envelope for bad bodies, sizes, routes and tokens', async () => {
      const malformed = await h.request('POST', '/v1/orgs/acme/gateways', { text: '{"kind": ', type: 'application/json' });
      expect(malformed.status).toBe(422);
      const big = await h.request('POST', '/v1/orgs/acme/gateways', { text: `{"x":"${'a'.repeat(1_100_000)}"}`, type: 'application/json' });
      expect(big.status).toBe(413);
      expect(((await big.json()) as { error: { code: string } }).error.code).toBe('too_large');
      const route = await h.request('GET', '/v1/nope');
      expect(route.status).toBe(404);
      expect((await h.request('GET', '/v1/orgs', { token: 'cpt_wrong' })).status).toBe(401);
      expect((await h.request('GET', '/v1/orgs', { token: undefined })).status).toBe(401);
      const echoed = await h.request('GET', '/v1/orgs');
      expect(echoed.headers.get('x-request-id')).toMatch(/.+/);
    });

    it('deletes a gateway with its agents, accounts and bindings, audited', async () => {
      const res = await h.request('DELETE', '/v1/orgs/acme/gateways/support-gw');
      expect(res.status).toBe(200);
      const { deleted } = (await res.json()) as { deleted: { kind: string; name: string }[] };
      expect(deleted.map((d) => `${d.kind}/${d.name}`)).toEqual(['Binding/tg-helpdesk-route', 'ChannelAccount/tg-helpdesk', 'Agent/helpdesk', 'Gateway/support-gw']);
      expect((await h.request('GET', '/v1/orgs/acme/agents/helpdesk')).status).toBe(404);
    });

    it('keeps a verifiable audit chain and detects tampering', async () => {
      const { items } = (await (await h.request('GET', '/v1/orgs/acme/audit?limit=1000')).json()) as { items: { seq: number; action: string; target: string; actor: string }[] };
      expect(items.some((e) => e.action === 'resource.create' && e.target === 'Gateway/support-gw' && e.actor === 'admin')).toBe(true);
      expect(items.some((e) => e.action === 'resource.delete' && e.target === 'Gateway/support-gw')).toBe(true);
      const ok = (await (await h.request('GET', '/v1/orgs/acme/audit-verify')).json()) as { ok: boolean; checked: number };
      expect(ok).toMatchObject({ ok: true });
      expect(ok.checked).toBe(items.length);
      await tamper(`UPDATE audit_events SET actor = 'mallory' WHERE org = 'acme' AND seq = 2`);
      const broken = (await (await h.request('GET', '/v1/orgs/acme/audit-verify')).json()) as { ok: boolean; problems: { seq: number }[] };
      expect(broken.ok).toBe(false);
      expect(broken.problems[0]?.seq).toBe(2);
    });
  });
}

suite('SQLite', async () => {
  const h = await createHarness();
  const file = join(h.dataDir, 'clawplane.db');
  return {
    h,
    tamper: async (sql) => {
      const db = new DatabaseSync(file);
      db.exec(sql);
      db.close();
    },
  };
});

suite('PostgreSQL', async () => {
  const db = await withPostgresDatabase();
  const h = await createHarness({ databaseUrl: db.url });
  const close = h.close;
  h.close = async () => {
    await close();
    await db.drop();
  };
  return { h, tamper: async (sql) => db.exec(sql) };
});
