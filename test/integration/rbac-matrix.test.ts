// Walks every route of the API × every role and checks who may do what.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteDef } from '../../src/api/api-context.ts';
import { apiRoutes } from '../../src/api/server.ts';
import { kinds } from '../../src/core/resources.ts';
import { newRolloutStatus } from '../../src/core/rollout.ts';
import { type Harness, createHarness } from '../helpers/api-harness.ts';

const fleet = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'small-fleet.yaml'), 'utf8');
const roleBindings = `
kind: RoleBinding
metadata: { name: rb-viewer, org: acme }
spec: { user: vera, role: viewer }
---
kind: RoleBinding
metadata: { name: rb-operator, org: acme }
spec: { user: otto, role: operator }
---
kind: RoleBinding
metadata: { name: rb-admin, org: acme }
spec: { user: ada, role: admin }
---
kind: Organization
metadata: { name: globex }
spec: { displayName: Globex }
---
kind: RoleBinding
metadata: { name: rb-outsider, org: globex }
spec: { user: olga, role: admin }
`;

type Who = 'anonymous' | 'viewer' | 'operator' | 'org-admin' | 'other-tenant' | 'global-admin';
const rank: Record<Who, number> = { anonymous: 0, 'other-tenant': 0, viewer: 1, operator: 2, 'org-admin': 3, 'global-admin': 4 };

function concrete(r: RouteDef): { path: string; body?: unknown; text?: string } {
  const nameFor: Record<string, string> = { agents: 'helpdesk', secrets: 'tg-helpdesk-token', rollouts: 'matrix-ro' };
  const parent = /\/([a-z-]+)\/:name/.exec(r.path)?.[1] ?? 'gateways';
  const path = r.path
    .replace(':org', 'acme').replace(':plural', 'gateways').replace(':name', nameFor[parent] ?? 'ops-gw').replace(':action', 'restart')
    .replace(':kind', 'openclaw').replace(':version', '2099.1.1');
  if (r.body === 'fleet') return { path, text: fleet };
  if (r.body === 'document') return { path, body: { kind: 'Gateway', metadata: { name: r.method === 'put' ? 'ops-gw' : 'matrix-gw' }, spec: { port: 20500 } } };
  if (r.body === 'json') return { path, body: path.endsWith('/value') ? { value: 's3cret-value' } : path.endsWith('gateway-actions/restart') ? { names: ['ops-gw'] } : path.endsWith('/v1/runtimes') ? { kind: 'openclaw', version: '2099.1.1' } : {} };
  return { path };
}

/** What each caller should get: 'ok' (authorized), or the refusal status. */
function expected(r: RouteDef, who: Who): 'ok' | 401 | 403 | 404 {
  if (r.permission === 'public') return 'ok';
  if (who === 'anonymous') return 401;
  const orgScoped = r.path.includes(':org') || r.body === 'fleet';
  if (who === 'other-tenant' && orgScoped) return 404;
  const need = { authenticated: 0, read: 1, write: 2, 'org-admin': 3, admin: 4, public: 0 }[r.permission];
  return rank[who] >= need || (who === 'other-tenant' && need === 0) ? 'ok' : 403;
}

describe('RBAC: every route × every role', () => {
  let h: Harness;
  const tokens: Partial<Record<Who, string>> = {};
  beforeAll(async () => {
    h = await createHarness();
    expect((await h.request('POST', '/v1/apply', { text: fleet })).status).toBe(200);
    expect((await h.request('POST', '/v1/apply', { text: roleBindings })).status).toBe(200);
    // A rollout for the rollout verbs (the harness has no controller: its state only changes by the verbs).
    const spec = kinds.Rollout.spec.parse({ selector: {} });
    await h.store.transaction(async (repos) => {
      await repos.resources.create({ kind: 'Rollout', metadata: { name: 'matrix-ro', org: 'acme' }, spec }, new Date().toISOString(), 'uid-matrix-ro');
      const status = newRolloutStatus({ spec, change: { kind: 'apply', summary: 'matrix' }, gateways: [], actor: 'admin', now: Date.now() });
      await repos.resources.updateStatus('acme', 'Rollout', 'matrix-ro', status as unknown as Record<string, unknown>, new Date().toISOString());
    });
    tokens['global-admin'] = h.adminToken;
    tokens.viewer = await h.tokenFor('vera');
    tokens.operator = await h.tokenFor('otto');
    tokens['org-admin'] = await h.tokenFor('ada');
    tokens['other-tenant'] = await h.tokenFor('olga');
  });
  afterAll(async () => h?.close());

  const whos: Who[] = ['anonymous', 'viewer', 'operator', 'org-admin', 'other-tenant', 'global-admin'];
  it.each(apiRoutes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s', async (_label, route) => {
    const rows: string[] = [];
    for (const who of whos) {
      await h.request('POST', '/v1/apply', { text: fleet });
      const { path, body, text } = concrete(route);
      const ctl = new AbortController();
      const res = await h.request(route.method.toUpperCase(), path, { token: tokens[who], signal: ctl.signal, ...(text !== undefined ? { text } : {}), ...(body !== undefined ? { body } : {}) });
      ctl.abort();
      const want = expected(route, who);
      const got = res.status;
      const pass = want === 'ok' ? ![401, 403].includes(got) && got < 500 || got === 503 : got === want;
      if (want === 'ok' && got === 404) rows.push(`${who}: expected access, got 404`);
      else if (!pass) rows.push(`${who}: expected ${want}, got ${got}`);
      if (got >= 400) {
        const err = (await res.json().catch(() => ({}))) as { error?: { code?: string; requestId?: string } };
        expect(err.error?.code, `${who} ${got} has an error envelope`).toBeTruthy();
      } else {
        await res.body?.cancel().catch(() => undefined);
      }
    }
    expect(rows).toEqual([]);
  });
});
