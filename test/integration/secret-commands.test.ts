// The secrets lifecycle use cases over a real store and a real local secrets store: who may do
// what, what is audited, purge without a Secret resource, and gateway token rotation through the
// runtime port.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createRotationJob } from '../../src/composition/rotation.ts';
import { createFakeClock } from '../../src/reconciler/fake-clock.ts';
import { createLocalSecretStore } from '../../src/secrets/local-store.ts';
import { type Harness, createHarness } from '../helpers/api-harness.ts';

const fleet = `kind: Organization
metadata: { name: acme }
spec: { displayName: Acme }
---
kind: Secret
metadata: { name: api-key }
spec: { provider: local }
---
kind: Secret
metadata: { name: own-token }
spec: { provider: local }
---
kind: Gateway
metadata: { name: gw1 }
spec: { profile: usecase, port: 21000 }
---
kind: Gateway
metadata: { name: gw-own }
spec: { profile: usecase, port: 21100, env: { OPENCLAW_GATEWAY_TOKEN: { secretRef: own-token } } }
---
kind: RoleBinding
metadata: { name: rb-op }
spec: { user: otto, role: operator }
`;

interface Audit { action: string; actor: string; target: string; diff: Record<string, unknown> }

describe('secrets lifecycle use cases', () => {
  let h: Harness;
  let dir: string;
  const changes: string[] = [];
  const rotations: string[] = [];
  let tokenVersion = 1;
  const rolls: string[] = [];
  let rolling = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawplane-secrets-'));
    const secretValues = createLocalSecretStore({ dataDir: dir });
    h = await createHarness({
      extra: {
        secretValues,
        onChange: (c) => changes.push(`${c.kind}/${c.name}`),
        runtime: {
          kill: () => Promise.resolve(), destroy: () => Promise.resolve({}), logs: () => (async function* () {})(), archiveAgent: () => Promise.resolve(undefined),
          rotateGatewayToken: (org, name) => {
            rotations.push(`${org}/${name}`);
            tokenVersion += 1;
            return Promise.resolve({ version: tokenVersion });
          },
          rollGatewayToken: async (org, name) => {
            rolling++;
            if (rolling > 1) throw new Error('two gateways rolled at once');
            rolls.push(`${org}/${name}`);
            await new Promise((r) => setTimeout(r, 20));
            rolling--;
            tokenVersion += 1;
            return { version: tokenVersion, restarted: true, ready: true };
          },
          gatewayTokenInfo: () => Promise.resolve({ updatedAt: '2026-01-01T00:00:00.000Z', version: 1 }),
        },
      },
    });
    expect((await h.request('POST', '/v1/apply', { text: fleet })).status).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const audit = async (target: string): Promise<Audit[]> => ((await (await h.request('GET', `/v1/orgs/acme/audit?target=${target}`)).json()) as { items: Audit[] }).items;

  it('refuses operators, unknown secrets and empty values', async () => {
    const otto = await h.tokenFor('otto');
    expect((await h.request('PUT', '/v1/orgs/acme/secrets/api-key/value', { token: otto, body: { value: 'v1-value' } })).status).toBe(403);
    expect((await h.request('GET', '/v1/orgs/acme/secret-values', { token: otto })).status).toBe(200);
    expect((await h.request('PUT', '/v1/orgs/acme/secrets/nope/value', { body: { value: 'v1-value' } })).status).toBe(404);
    expect((await h.request('PUT', '/v1/orgs/acme/secrets/api-key/value', { body: { value: '' } })).status).toBe(422);
    expect((await h.request('DELETE', '/v1/orgs/acme/secrets/nope/value')).status).toBe(404);
  });

  it('sets and rotates, bumping the version and notifying the reconciler', async () => {
    changes.length = 0;
    expect(await (await h.request('PUT', '/v1/orgs/acme/secrets/api-key/value', { body: { value: 'v1-value' } })).json()).toEqual({ secret: 'api-key', updated: true, version: 1 });
    expect(await (await h.request('POST', '/v1/orgs/acme/secrets/api-key/rotate', { body: { value: 'v2-value' } })).json()).toEqual({ secret: 'api-key', updated: true, version: 2 });
    expect(changes).toEqual(['Secret/api-key', 'Secret/api-key']);
    const { items } = (await (await h.request('GET', '/v1/orgs/acme/secret-values')).json()) as { items: Record<string, unknown>[] };
    expect(items.find((i) => i.name === 'api-key')).toMatchObject({ provider: 'local', hasValue: true, version: 2 });
    expect(items.find((i) => i.name === 'own-token')).toMatchObject({ hasValue: false });
    expect(JSON.stringify(items)).not.toContain('v2-value');
  });

  it('purges a value even after its Secret resource was deleted (zero residue)', async () => {
    expect((await h.request('DELETE', '/v1/orgs/acme/secrets/api-key')).status).toBe(200);
    const res = await h.request('DELETE', '/v1/orgs/acme/secrets/api-key/value');
    expect(await res.json()).toEqual({ secret: 'api-key', purged: true });
    expect(await createLocalSecretStore({ dataDir: dir }).list('acme')).toEqual([]);
    const actions = (await audit('Secret/api-key')).filter((a) => a.action.startsWith('secret.'));
    expect(actions.map((a) => [a.action, a.diff])).toEqual([
      ['secret.set', { value: 'changed', version: 1 }], ['secret.rotate', { value: 'changed', version: 2 }], ['secret.purge', { value: 'deleted' }],
    ]);
  });

  it('rotates a gateway token through the runtime, unless the gateway brings its own', async () => {
    const res = await h.request('POST', '/v1/orgs/acme/gateway-tokens/gw1/rotate');
    expect(await res.json()).toEqual({ gateway: 'gw1', rotated: true, version: 2 });
    expect(rotations).toEqual(['acme/gw1']);
    expect((await audit('Gateway/gw1')).filter((a) => a.action === 'secret.rotate')).toMatchObject([{ actor: 'admin', diff: { gatewayAuth: 'rotated', version: 2 } }]);
    expect((await h.request('POST', '/v1/orgs/acme/gateway-tokens/gw-own/rotate')).status).toBe(422);
    expect((await h.request('POST', '/v1/orgs/acme/gateway-tokens/missing/rotate')).status).toBe(404);
    expect(rotations).toEqual(['acme/gw1']);
  });

  const extra = `kind: Secret
metadata: { name: hook, org: acme }
spec: { provider: local, rotation: { generate: true } }
---
kind: Secret
metadata: { name: human, org: acme }
spec: { provider: local, rotation: { everyDays: 10 } }
---
kind: Gateway
metadata: { name: gw2, org: acme }
spec: { profile: usecase, port: 21200 }
`;

  it('bulk rotation: generated values renewed, human ones listed, gateways rolled one at a time', async () => {
    expect((await h.request('POST', '/v1/apply', { text: extra })).status).toBe(200);
    expect((await h.request('PUT', '/v1/orgs/acme/secrets/hook/value', { body: { generate: true } })).status).toBe(200);
    expect((await h.request('PUT', '/v1/orgs/acme/secrets/human/value', { body: { value: 'from-a-person' } })).status).toBe(200);
    const otto = await h.tokenFor('otto');
    expect((await h.request('POST', '/v1/orgs/acme/secret-rotations', { token: otto })).status).toBe(403);
    const res = (await (await h.request('POST', '/v1/orgs/acme/secret-rotations')).json()) as Record<string, unknown>;
    expect(res).toMatchObject({
      org: 'acme', completed: true,
      secrets: [{ name: 'hook', scope: '', version: 2 }],
      skipped: [{ name: 'human' }],
      gateways: [{ gateway: 'gw1', restarted: true, ready: true }, { gateway: 'gw2', restarted: true, ready: true }],
    });
    expect(rolls).toEqual(['acme/gw1', 'acme/gw2']); // gw-own brings its own token
    const hook = (await audit('Secret/hook')).filter((a) => a.action.startsWith('secret.'));
    expect(hook.map((a) => [a.action, a.actor, a.diff.generated, a.diff.cause])).toEqual([['secret.set', 'admin', true, undefined], ['secret.rotate', 'admin', true, 'bulk']]);
  });

  it('scheduled rotation (fake clock): renews generated values and due tokens as the system, reports human values once', async () => {
    rolls.length = 0;
    const clock = createFakeClock(Date.now() + 120 * 86_400_000);
    const job = createRotationJob({ deps: h.deps, clock, log: pino({ level: 'silent' }), intervalMs: 60_000 });
    job.start();
    expect(clock.pending()).toBe(1); // scheduled on the clock port
    job.stop();
    expect(clock.pending()).toBe(0);
    await job.runOnce(); // what a tick does
    const hook = (await audit('Secret/hook')).filter((a) => a.diff.cause === 'scheduled');
    expect(hook).toMatchObject([{ action: 'secret.rotate', actor: 'system:reconciler', diff: { generated: true, version: 3 } }]);
    await job.runOnce(); // a second pass (the local store's own clock is real time, so hook is due again)
    const human = (await audit('Secret/human')).filter((a) => a.action === 'secret.rotation-due');
    expect(human).toHaveLength(1); // reported once, not on every pass
    expect(human[0]?.actor).toBe('system:reconciler');
    // tokens last written 2026-01-01: rolled on each pass while still "due" per the stub
    expect(rolls.slice(0, 2)).toEqual(['acme/gw1', 'acme/gw2']);
    const gw = (await audit('Gateway/gw1')).filter((a) => a.diff.cause === 'scheduled');
    expect(gw[0]).toMatchObject({ action: 'secret.rotate', actor: 'system:reconciler' });
    expect(JSON.stringify(await audit('Secret/human'))).not.toContain('from-a-person');
  });
});
