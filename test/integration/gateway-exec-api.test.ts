// POST /v1/orgs/ORG/gateways/NAME/exec: who may call it and what it refuses, before any runtime is
// touched (the harness has none; test/e2e/gateway-lifecycle.test.ts and docker-gateway.test.ts run
// real commands in real gateways).
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
metadata: { name: g-gw, org: globex }
spec: { profile: usecase, port: 19400 }
---
kind: RoleBinding
metadata: { name: rb-olga, org: globex }
spec: { user: olga, role: admin }
---
kind: RoleBinding
metadata: { name: rb-otto, org: acme }
spec: { user: otto, role: operator }
---
kind: RoleBinding
metadata: { name: rb-ada, org: acme }
spec: { user: ada, role: admin }
`;

describe('gateway exec API: validation and access', () => {
  let h: Harness;
  let ada: string;
  beforeAll(async () => {
    h = await createHarness();
    expect((await h.request('POST', '/v1/apply', { text: fleet })).status).toBe(200);
    expect((await h.request('POST', '/v1/apply', { text: others })).status).toBe(200);
    ada = await h.tokenFor('ada');
  });
  afterAll(async () => h?.close());

  const exec = async (body: unknown, o: { token?: string; path?: string } = {}) => {
    const res = await h.request('POST', o.path ?? '/v1/orgs/acme/gateways/ops-gw/exec', { token: o.token ?? ada, ...(body === undefined ? {} : { body }) });
    return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
  };

  it.each([
    ['no body', undefined, /request body is empty/],
    ['an empty command', { command: [] }, /command is empty/],
    ['a shell string', { command: 'openclaw --version' }, /command must be an array of strings/],
    ['a non-string argument', { command: ['openclaw', 42] }, /command\[1\] must be a string/],
    ['an oversized argv', { command: ['echo', 'x'.repeat(40_000)] }, /bytes; at most 32768/],
    ['too many arguments', { command: Array.from({ length: 300 }, () => 'a') }, /300 arguments; at most 256/],
    ['a timeout out of range', { command: ['ls'], timeoutSeconds: 9999 }, /timeoutSeconds must be an integer between 1 and 240/],
  ])('422 (invalid, like every bad input of this API) for %s', async (_label, body, msg) => {
    const r = await exec(body);
    expect(r.status).toBe(422);
    expect(r.body.error?.message).toMatch(msg);
  });

  it('404 for another tenant\'s gateway and for a missing one; 403 for an operator', async () => {
    const olga = await h.tokenFor('olga');
    expect((await exec({ command: ['true'] }, { token: olga })).status).toBe(404);
    const admin = await h.request('POST', '/v1/orgs/globex/gateways/g-gw/exec', { body: { command: ['true'] } });
    expect(admin.status).toBe(503); // the global admin gets past access checks; this harness has no runtime
    const ada404 = await exec({ command: ['true'] }, { path: '/v1/orgs/globex/gateways/g-gw/exec' });
    expect(ada404.status).toBe(404);
    const missing = await exec({ command: ['true'] }, { path: '/v1/orgs/acme/gateways/nope/exec' });
    expect(missing.status).toBe(404);
    expect(missing.body.error?.message).toContain('Gateway "nope" not found');
    const operator = await exec({ command: ['true'] }, { token: await h.tokenFor('otto') });
    expect(operator.status).toBe(403);
    expect(operator.body.error?.message).toContain('needs admin');
  });

  it('a refused exec is not audited', async () => {
    const res = await h.request('GET', '/v1/orgs/acme/audit?limit=1000');
    const { items } = (await res.json()) as { items: { action: string }[] };
    expect(items.filter((e) => e.action === 'gateway.exec')).toEqual([]);
  });
});
