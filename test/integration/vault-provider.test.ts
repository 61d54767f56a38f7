// The Vault KV v2 provider against a stub Vault HTTP server written for this test (no Vault server
// can be installed on these machines). The stub implements only what the provider uses, shaped as
// Vault documents it: GET /v1/{mount}/data/{path}[?version=N], X-Vault-Token, X-Vault-Namespace,
// 403 for a bad token, 404 for a missing path or version, deletion_time/destroyed metadata.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretResolver } from '../../src/secrets/resolver.ts';
import { createVaultSecretsProvider } from '../../src/secrets/vault-provider.ts';

const TOKEN = 'hvs.stub-root-token';
type Version = { data: Record<string, unknown>; deleted?: boolean; destroyed?: boolean };
const kv = new Map<string, Version[]>([
  ['team/ns1:secret/apps/tg', [{ data: { token: 'tg-v1' } }, { data: { token: 'tg-v2', other: 'x' } }]],
  ['team/ns1:secret/single', [{ data: { only: 'single-value' } }]],
  ['team/ns1:secret/gone', [{ data: { v: 'deleted-value' }, deleted: true }]],
  ['team/ns1:secret/gateways/gw1/tg', [{ data: { token: 'per-gateway-value' } }]],
  [':secret/apps/tg', [{ data: { token: 'root-namespace-value' } }]],
]);
const seen: { path: string; namespace?: string }[] = [];

describe('vault KV v2 provider (stub Vault HTTP API)', () => {
  let server: Server;
  let address: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const ns = req.headers['x-vault-namespace'] as string | undefined;
      seen.push({ path: url.pathname, ...(ns ? { namespace: ns } : {}) });
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers['x-vault-token'] !== TOKEN) return send(403, { errors: ['permission denied'] });
      const m = /^\/v1\/([^/]+)\/data\/(.+)$/.exec(url.pathname);
      if (req.method !== 'GET' || !m) return send(404, { errors: [] });
      const versions = kv.get(`${ns ?? ''}:${m[1]}/${decodeURIComponent(m[2]!)}`);
      if (!versions) return send(404, { errors: [] });
      const n = url.searchParams.has('version') ? Number(url.searchParams.get('version')) : versions.length;
      const v = versions[n - 1];
      if (!v) return send(404, { errors: [] });
      const metadata = { version: n, created_time: '2026-12-01T00:00:00Z', deletion_time: v.deleted ? '2026-12-02T00:00:00Z' : '', destroyed: v.destroyed ?? false };
      if (v.deleted || v.destroyed) return send(404, { data: { data: null, metadata } });
      return send(200, { request_id: 'r', data: { data: v.data, metadata } });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((r) => server.close(() => r())));

  const provider = (token = TOKEN) => createVaultSecretsProvider({
    instances: {
      default: { address, namespace: 'team/ns1', token: () => Promise.resolve(token) },
      root: { address, token: () => Promise.resolve(token) },
    },
  });

  it('reads the latest version, a pinned version, a single-field entry, and sends the namespace', async () => {
    const p = provider();
    expect(await p.get('acme', 'tg', 'apps/tg', { field: 'token' })).toBe('tg-v2');
    expect(await p.get('acme', 'tg', 'apps/tg', { field: 'token', version: 1 })).toBe('tg-v1');
    expect(await p.get('acme', 'single', 'single')).toBe('single-value');
    expect(await p.get('acme', 'tg', 'apps/tg', { field: 'token', source: 'root' })).toBe('root-namespace-value');
    expect(seen.filter((s) => s.path === '/v1/secret/data/apps/tg').map((s) => s.namespace ?? '')).toEqual(['team/ns1', 'team/ns1', '']);
  });

  it('missing, deleted and unknown versions read as no value; errors are clear and value-free', async () => {
    const p = provider();
    expect(await p.get('acme', 'x', 'nope/here', { field: 'token' })).toBeUndefined();
    expect(await p.get('acme', 'x', 'gone', { field: 'v' })).toBeUndefined();
    expect(await p.get('acme', 'x', 'apps/tg', { field: 'token', version: 9 })).toBeUndefined();
    await expect(p.get('acme', 'x', 'apps/tg')).rejects.toMatchObject({ code: 'invalid-reference', message: expect.stringContaining('set spec.field') });
    await expect(provider('wrong').get('acme', 'x', 'apps/tg', { field: 'token' })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(p.get('acme', 'x', '../sys/raw', { field: 'token' })).rejects.toMatchObject({ code: 'invalid-reference' });
    await expect(p.get('acme', 'x', 'apps/tg', { source: 'nope' })).rejects.toMatchObject({ code: 'unknown-source' });
    const down = createVaultSecretsProvider({ instances: { default: { address: 'http://127.0.0.1:9', token: () => Promise.resolve(TOKEN), timeoutMs: 2000 } } });
    await expect(down.get('acme', 'x', 'apps/tg', { field: 'token' })).rejects.toMatchObject({ code: 'provider-failed', message: expect.stringContaining('unreachable') });
  });

  it('resolves per-gateway namespaces through the resolver ({gateway} in spec.key)', async () => {
    const resolver = createSecretResolver({ providers: [provider()] });
    const defs = [{ metadata: { name: 'tg' }, spec: { provider: 'vault' as const, key: 'gateways/{gateway}/tg', field: 'token' } }];
    expect((await resolver.resolve('acme', 'tg', defs, { gateway: 'gw1' })).value).toBe('per-gateway-value');
    const outside = await resolver.resolve('acme', 'tg', defs);
    expect(outside.value).toBeUndefined();
    expect(outside.issues[0]?.code).toBe('secret.scope-missing');
  });
});
