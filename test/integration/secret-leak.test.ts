// Plants known secret values (a local Secret set through the API, an env-provider Secret in the
// server's environment) and proves that no HTTP response, no file in the data dir and no server log
// line holds them, raw or base64/hex encoded. Also covers the secrets lifecycle API and its audit.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, runCli, startServerProcess } from '../helpers/cli.ts';
import { scanForSecret, secretNeedles } from '../helpers/leak-scan.ts';

const LOCAL_VALUE = 'lk-local-9f3a1c7e5b2d8a4f6e0c1b3d5a7f9e2c';
const ROTATED_VALUE = 'lk-rotated-4b6d8f0a2c4e6a8c0e2a4c6e8a0c2e4a';
const ENV_VALUE = 'lk-env-7e5c3a1f9d7b5f3d1b9f7d5b3f1d9b7f';
const GATEWAY_SCOPED = 'lk-gwscope-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d';
const AGENT_SCOPED = 'lk-agscope-6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a';
const values = [LOCAL_VALUE, ROTATED_VALUE, ENV_VALUE, GATEWAY_SCOPED, AGENT_SCOPED];

const fleet = `apiVersion: clawplane.dev/v1alpha1
kind: Organization
metadata: { name: leak }
spec: { displayName: Leak, defaults: { runtime: { kind: openclaw, version: "2026.9.6" } } }
---
kind: Secret
metadata: { name: bot-token }
spec: { provider: local }
---
kind: Secret
metadata: { name: env-token }
spec: { provider: env, key: LEAK_ENV_TOKEN }
---
kind: Gateway
metadata: { name: gw1 }
spec: { profile: usecase, port: 29400 }
---
kind: Agent
metadata: { name: helper, gateway: gw1 }
spec: { kind: usecase, purpose: Helps, model: anthropic/claude-sonnet-4-6 }
---
kind: Agent
metadata: { name: other, gateway: gw1 }
spec: { kind: usecase, purpose: Helps too, model: anthropic/claude-sonnet-4-6 }
---
kind: ChannelAccount
metadata: { name: tg-local, gateway: gw1 }
spec: { channel: telegram, accountId: localbot, agent: helper, credentials: { botToken: { secretRef: bot-token } } }
---
kind: ChannelAccount
metadata: { name: tg-env, gateway: gw1 }
spec: { channel: telegram, accountId: envbot, agent: other, credentials: { botToken: { secretRef: env-token } } }
---
kind: Binding
metadata: { name: tg-local-route, gateway: gw1 }
spec: { agent: helper, match: { channel: telegram, accountId: localbot } }
---
kind: Binding
metadata: { name: tg-env-route, gateway: gw1 }
spec: { agent: other, match: { channel: telegram, accountId: envbot } }
---
kind: RoleBinding
metadata: { name: rb-viewer }
spec: { user: vera, role: viewer }
`;

interface Audit { action: string; actor: string; target: string; diff: unknown }

describe('secrets never leak (API-only control plane)', () => {
  let dir: string;
  let server: ServerProcess;
  const bodies: { what: string; body: string }[] = [];
  let sse: { abort: AbortController; text: Promise<string> } | undefined;

  const call = async (method: string, path: string, opts: { body?: unknown; text?: string; token?: string } = {}): Promise<{ status: number; body: string }> => {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.token ?? server.token}` };
    let body: string | undefined;
    if (opts.text !== undefined) {
      body = opts.text;
      headers['content-type'] = 'application/yaml';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    bodies.push({ what: `${method} ${path} → ${res.status}`, body: text });
    return { status: res.status, body: text };
  };
  const cli = async (args: string[], input?: string): Promise<string> => {
    const r = await runCli(args, { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: server.token }, input);
    bodies.push({ what: `cli ${args.join(' ')}`, body: r.stdout + r.stderr });
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawplane-leak-'));
    server = await startServerProcess(dir, { reconcile: false, env: { LEAK_ENV_TOKEN: ENV_VALUE, CLAWPLANE_LOG_LEVEL: 'debug' } });
    const abort = new AbortController();
    const res = await fetch(`${server.url}/v1/events`, { headers: { authorization: `Bearer ${server.token}` }, signal: abort.signal });
    const text = (async () => {
      let out = '';
      const reader = res.body!.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          out += Buffer.from(value).toString('utf8');
        }
      } catch {
        // aborted
      }
      return out;
    })();
    sse = { abort, text };
  }, 90_000);
  afterAll(async () => {
    sse?.abort.abort();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('sets, lists, rotates and purges a local value, auditing each change without the value', async () => {
    expect((await call('POST', '/v1/apply', { text: fleet })).status).toBe(200);
    // secret set (alias) and secrets set read the value from stdin only.
    expect(await cli(['secret', 'set', 'bot-token'], `${LOCAL_VALUE}\n`)).toContain('secret/bot-token updated (version 1)');
    const list = JSON.parse(await cli(['secrets', 'list', '-o', 'json'])) as { name: string; provider: string; hasValue: boolean | null; version?: number; updatedAt?: string }[];
    expect(list.map((i) => [i.name, i.provider, i.hasValue, i.version])).toEqual([['bot-token', 'local', true, 1], ['env-token', 'env', null, undefined]]);
    expect(list[0]?.updatedAt).toMatch(/^\d{4}-/);
    expect(await cli(['secrets', 'list'])).toMatch(/bot-token\s+local\s+-\s+org\s+yes\s+1/);

    expect(await cli(['secrets', 'rotate', 'bot-token'], ROTATED_VALUE)).toContain('secret/bot-token rotated (version 2)');
    // A viewer sees names and metadata but may not change values.
    const viewer = (JSON.parse((await call('POST', '/v1/tokens', { body: { user: 'vera' } })).body) as { token: string }).token;
    expect((await call('GET', '/v1/orgs/leak/secret-values', { token: viewer })).status).toBe(200);
    expect((await call('POST', '/v1/orgs/leak/secrets/bot-token/rotate', { token: viewer, body: { value: 'x-viewer-value' } })).status).toBe(403);
    expect((await call('DELETE', '/v1/orgs/leak/secrets/bot-token/value', { token: viewer })).status).toBe(403);
    // Env secrets keep no value in Clawplane.
    expect((await call('POST', '/v1/orgs/leak/secrets/env-token/rotate', { body: { value: 'x' } })).status).toBe(422);
    // Without a reconciler there are no gateway tokens to rotate.
    expect((await call('POST', '/v1/orgs/leak/gateway-tokens/gw1/rotate')).status).toBe(503);

    expect(await cli(['secrets', 'purge', 'bot-token'])).toContain('secret/bot-token value purged');
    expect(await cli(['secrets', 'purge', 'bot-token'])).toContain('had no stored value');
    // Rotating a value that is not set is refused (set it first).
    expect((await call('POST', '/v1/orgs/leak/secrets/bot-token/rotate', { body: { value: ROTATED_VALUE } })).status).toBe(409);
    // Set again so a value is at rest while everything else is exercised.
    expect((await call('PUT', '/v1/orgs/leak/secrets/bot-token/value', { body: { value: ROTATED_VALUE } })).status).toBe(200);
    const after = JSON.parse((await call('GET', '/v1/orgs/leak/secret-values')).body) as { items: { name: string; hasValue: boolean; version?: number }[] };
    expect(after.items.find((i) => i.name === 'bot-token')).toMatchObject({ hasValue: true, version: 1 });

    // Per-gateway and per-agent namespaces, and a generated value nobody sees.
    expect(await cli(['secrets', 'set', 'bot-token', '--gateway', 'gw1'], GATEWAY_SCOPED)).toContain('updated in gateway/gw1 (version 1)');
    expect(await cli(['secrets', 'set', 'bot-token', '--agent', 'helper'], AGENT_SCOPED)).toContain('updated in agent/helper (version 1)');
    expect(await cli(['secrets', 'rotate', 'bot-token', '--agent', 'helper', '--generate'])).toContain('rotated in agent/helper with a generated value (version 2)');
    expect((await call('PUT', '/v1/orgs/leak/secrets/bot-token/value', { body: { value: 'x', agent: 'nobody' } })).status).toBe(404);
    expect((await call('PUT', '/v1/orgs/leak/secrets/bot-token/value', { body: { value: 'x', bogus: 1 } })).status).toBe(422);
    expect((await call('PUT', '/v1/orgs/leak/secrets/bot-token/value', { body: { value: 'x', generate: true } })).status).toBe(422);
    const scoped = JSON.parse(await cli(['secrets', 'list', '-o', 'json'])) as { name: string; values?: { scope: string; version: number; rotationDueAt: string }[] }[];
    expect(scoped.find((i) => i.name === 'bot-token')?.values?.map((v) => [v.scope, v.version])).toEqual([['', 1], ['agent/helper', 2], ['gateway/gw1', 1]]);
    expect(await cli(['secrets', 'list'])).toMatch(/bot-token\s+local\s+-\s+gateway\/gw1\s+yes\s+1/);

    const audit = (JSON.parse((await call('GET', '/v1/orgs/leak/audit?target=Secret/bot-token')).body) as { items: Audit[] }).items;
    const secretEvents = audit.filter((a) => a.action.startsWith('secret.')).slice(0, 5);
    expect(secretEvents.map((a) => a.action)).toEqual(['secret.set', 'secret.rotate', 'secret.purge', 'secret.purge', 'secret.set']);
    expect(secretEvents.every((a) => a.actor === 'admin')).toBe(true);
    expect(secretEvents.map((a) => a.diff)).toEqual([
      { value: 'changed', version: 1 }, { value: 'changed', version: 2 }, { value: 'deleted' }, { value: 'absent' }, { value: 'changed', version: 1 },
    ]);
  }, 120_000);

  it('purges the namespaces of a deleted agent and gateway (zero residue)', async () => {
    expect(await cli(['delete', 'agent/helper'])).toBeDefined();
    let list = JSON.parse(await cli(['secrets', 'list', '-o', 'json'])) as { name: string; values?: { scope: string }[] }[];
    expect(list.find((i) => i.name === 'bot-token')?.values?.map((v) => v.scope)).toEqual(['', 'gateway/gw1']);
    expect(readFileSync(join(dir, 'secrets.enc.json'), 'utf8')).not.toContain('agent/helper');
    expect(await cli(['delete', 'gateway/gw1'])).toBeDefined();
    list = JSON.parse(await cli(['secrets', 'list', '-o', 'json'])) as { name: string; values?: { scope: string }[] }[];
    expect(list.find((i) => i.name === 'bot-token')?.values?.map((v) => v.scope)).toEqual(['']);
    expect(readFileSync(join(dir, 'secrets.enc.json'), 'utf8')).not.toContain('gw1');
    const purges = (JSON.parse((await call('GET', '/v1/orgs/leak/audit')).body) as { items: Audit[] }).items.filter((a) => a.action === 'secret.purge' && a.target !== 'Secret/bot-token');
    expect(purges.map((a) => [a.target, a.diff])).toEqual([['Agent/helper', { scope: 'agent/helper', names: ['bot-token'] }], ['Gateway/gw1', { scope: 'gateway/gw1', names: ['bot-token'] }]]);
    // put the fleet back for the read endpoints below
    expect((await call('POST', '/v1/apply', { text: fleet })).status).toBe(200);
  }, 60_000);

  it('exercises the read endpoints and the CLI', async () => {
    for (const p of ['/v1/orgs/leak/secrets', '/v1/orgs/leak/secrets/bot-token', '/v1/orgs/leak/secrets/env-token', '/v1/orgs/leak/gateways/gw1',
      '/v1/orgs/leak/channelaccounts', '/v1/orgs/leak/channelaccounts/tg-local', '/v1/orgs/leak/gateways/gw1/explain', '/v1/orgs/leak/audit', '/v1/orgs/leak/audit-verify', '/v1/orgs/leak/secret-values']) {
      expect((await call('GET', p)).status, p).toBe(200);
    }
    expect((await call('POST', '/v1/plan?org=leak', { text: fleet })).status).toBe(200);
    expect((await call('POST', '/v1/diff', { text: fleet })).status).toBe(200);
    await cli(['get', 'secrets']);
    await cli(['describe', 'secret', 'bot-token']);
    await cli(['describe', 'gateway', 'gw1']);
    await cli(['audit', 'list']);
  }, 120_000);

  it('finds no planted value in responses, events, the data dir or the server log', async () => {
    sse!.abort.abort();
    const events = await sse!.text;
    expect(events).toContain('bot-token'); // the stream did see the secret changes
    bodies.push({ what: 'SSE /v1/events', body: events });
    bodies.push({ what: 'server log', body: server.logs() });
    expect(bodies.length).toBeGreaterThan(25);
    // The scan is not vacuous: the store and the encrypted values are there.
    expect(existsSync(join(dir, 'clawplane.db'))).toBe(true);
    expect(readFileSync(join(dir, 'secrets.enc.json'), 'utf8')).toContain('"bot-token"');
    const leaks: string[] = [];
    for (const v of values) {
      const needles = secretNeedles(v);
      for (const b of bodies) if (needles.some((n) => Buffer.from(b.body).includes(n))) leaks.push(`${b.what} holds a planted value`);
      for (const f of await scanForSecret([dir], v)) leaks.push(`${f} holds a planted value`);
    }
    expect(leaks).toEqual([]);
  });
});
