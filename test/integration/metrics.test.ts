// /metrics and the gateway stats routes over the real API and store: who sees which series.
// Real CPU / memory figures of a running gateway are checked in test/e2e/gateway-lifecycle.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, createHarness } from '../helpers/api-harness.ts';

const fleet = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'small-fleet.yaml'), 'utf8');
const others = `
kind: Organization
metadata: { name: globex }
spec: { displayName: Globex }
---
kind: Gateway
metadata: { name: globex-gw, org: globex }
spec: { profile: usecase, port: 21000 }
---
kind: RoleBinding
metadata: { name: rb-olga, org: globex }
spec: { user: olga, role: viewer }
---
kind: RoleBinding
metadata: { name: rb-aude, org: acme }
spec: { user: aude, role: auditor }
`;

describe('metrics endpoint', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    expect((await h.request('POST', '/v1/apply', { text: fleet })).status).toBe(200);
    expect((await h.request('POST', '/v1/apply', { text: others })).status).toBe(200);
  });
  afterAll(async () => h?.close());

  const scrape = async (token: string | undefined) => {
    const res = await h.request('GET', '/metrics', { token });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  };

  it('gives a global reader every organization, HTTP and process series, in the Prometheus text format', async () => {
    await h.request('GET', '/v1/orgs/acme/gateways', { token: h.adminToken });
    const m = await scrape(h.adminToken);
    expect(m.status).toBe(200);
    expect(m.type).toContain('text/plain');
    expect(m.text).toContain('# TYPE clawplane_gateways gauge');
    // Never reconciled here (no runtime attached): phase unknown, not ready.
    expect(m.text).toMatch(/clawplane_gateways\{org="acme",phase="unknown"\} 2/);
    expect(m.text).toMatch(/clawplane_gateways\{org="globex",phase="unknown"\} 1/);
    expect(m.text).toMatch(/clawplane_gateway_ready\{org="acme",gateway="support-gw",target="process"\} 0/);
    expect(m.text).toMatch(/clawplane_agents\{org="acme"\} \d+/);
    expect(m.text).toMatch(/clawplane_rollouts\{org="acme",phase="Progressing"\} 0/);
    // Route patterns, not raw paths: bounded label values.
    expect(m.text).toMatch(/clawplane_http_requests_total\{method="GET",route="\/v1\/orgs\/:org\/:plural",status="200"\} \d+/);
    expect(m.text).toContain('clawplane_process_resident_memory_bytes');
    // Nothing but metrics: no secret names' values, no tokens.
    expect(m.text).not.toContain(h.adminToken);
  });

  it('shows an org-scoped caller only its own organizations and no control-plane wide series', async () => {
    const m = await scrape(await h.tokenFor('olga'));
    expect(m.status).toBe(200);
    expect(m.text).toMatch(/clawplane_gateways\{org="globex",phase="unknown"\} 1/);
    expect(m.text).not.toContain('org="acme"');
    expect(m.text).not.toContain('clawplane_http_requests_total');
    expect(m.text).not.toContain('clawplane_process_');
  });

  it('refuses anonymous callers and gives an auditor-only caller no fleet series', async () => {
    const anon = await scrape(undefined);
    expect(anon.status).toBe(401);
    expect(JSON.parse(anon.text)).toMatchObject({ error: { code: 'unauthenticated' } });
    const aud = await scrape(await h.tokenFor('aude'));
    expect(aud.status).toBe(200);
    expect(aud.text).not.toContain('org="acme"');
  });

  it('lists per-gateway figures of one organization and refuses other tenants', async () => {
    const res = await h.request('GET', '/v1/orgs/acme/gateway-stats', { token: h.adminToken });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { org: string; name: string; phase: string; ready: boolean; restarts: number; target: string }[] };
    expect(body.items.map((i) => i.name).sort()).toEqual(['ops-gw', 'support-gw']);
    expect(body.items[0]).toMatchObject({ org: 'acme', phase: 'unknown', ready: false, restarts: 0, target: 'process' });
    expect((await h.request('GET', '/v1/orgs/acme/gateway-stats', { token: await h.tokenFor('olga') })).status).toBe(404);
    // One gateway's live figures need a runtime: a clear 503 here, 404 for an unknown gateway.
    const live = await h.request('GET', '/v1/orgs/acme/gateways/ops-gw/stats', { token: h.adminToken });
    expect(live.status).toBe(503);
    expect(((await live.json()) as { error: { message: string } }).error.message).toMatch(/no runtime/);
    expect((await h.request('GET', '/v1/orgs/acme/gateways/nope/stats', { token: h.adminToken })).status).toBe(404);
  });
});
