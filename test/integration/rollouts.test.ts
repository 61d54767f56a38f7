// Rollouts over a real store without gateways: the start use case (preflight, selection, holds,
// refusals with clear 4xx errors) through the HTTP API, and the controller driven by gateway statuses
// written into the store, with a fake gate port and a fake clock (no real sleeps).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlanning } from '../../src/composition/planning.ts';
import { fingerprintWith } from '../../src/composition/rollout-runtime.ts';
import type { GateResult, RolloutStatus } from '../../src/core/rollout.ts';
import { createFakeClock } from '../../src/reconciler/fake-clock.ts';
import { type RolloutGatePort, createRolloutController } from '../../src/reconciler/rollout-controller.ts';
import { type Harness, createHarness } from '../helpers/api-harness.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const fleet = `apiVersion: clawplane.dev/v1alpha1
kind: Organization
metadata: { name: ro }
spec: { displayName: Rollouts, defaults: { runtime: { kind: openclaw, version: "2026.9.6" } } }
---
kind: Gateway
metadata: { name: gw-a, labels: { tier: web } }
spec: { port: 21000 }
---
kind: Gateway
metadata: { name: gw-b, labels: { tier: web } }
spec: { port: 21200 }
---
kind: Gateway
metadata: { name: gw-c, labels: { tier: db } }
spec: { port: 21400 }
---
kind: Agent
metadata: { name: helper-a, gateway: gw-a }
spec: { purpose: Helps, model: anthropic/claude-sonnet-4-6 }
`;
const webTemplate = `kind: ConfigTemplate
metadata: { name: web-timeout, org: ro }
spec: { scope: { kind: gateway, name: gw-a }, content: '{ agents: { defaults: { timeoutSeconds: 120 } } }' }
---
kind: ConfigTemplate
metadata: { name: web-timeout-b, org: ro }
spec: { scope: { kind: gateway, name: gw-b }, content: '{ agents: { defaults: { timeoutSeconds: 120 } } }' }
`;

describe('rollouts over the API and the controller (no gateways)', () => {
  let h: Harness;
  const clock = createFakeClock(Date.parse('2026-12-04T10:00:00Z'));
  const gateResults = new Map<string, GateResult[]>();
  const gates: RolloutGatePort = {
    check: (_org, gw) => Promise.resolve(gateResults.get(gw) ?? [{ gate: 'readyz', ok: true, message: 'ready' }]),
    backup: (_org, gw) => Promise.resolve({ path: `/backups/${gw}.tgz` }),
    restore: () => Promise.resolve(),
  };
  const enqueued: string[] = [];
  const start = (name: string, body: unknown): Promise<Response> => h.request('POST', `/v1/orgs/ro/rollouts/${name}/start`, { body });
  const setGateway = (name: string, status: Record<string, unknown>): Promise<unknown> =>
    h.store.transaction((r) => r.resources.updateStatus('ro', 'Gateway', name, { phase: 'running', health: { live: true, ready: true }, restarts: 0, lifecycle: 'running', ...status }, new Date().toISOString()));
  const rollout = async (name: string): Promise<RolloutStatus> => ((await (await h.request('GET', `/v1/orgs/ro/rollouts/${name}`)).json()) as { status: RolloutStatus }).status;
  let controller: ReturnType<typeof createRolloutController>;

  beforeAll(async () => {
    const planning = createPlanning({ repoRoot: ROOT, stateDirFor: (o, n) => `/srv/${o}/${n}`, defaultRuntimeVersion: '2026.9.6' });
    h = await createHarness({
      extra: {
        fingerprintGateways: fingerprintWith(planning),
        preflight: (_org, docs) => { const p = planning.plan(docs); return [...p.issues, ...p.gateways.flatMap((g) => g.issues)]; },
        rollouts: { breakerThreshold: 1, kick: () => undefined },
      },
    });
    expect((await h.request('POST', '/v1/apply', { text: fleet })).status).toBe(200);
    controller = createRolloutController({ store: h.store, gates, clock, breakerThreshold: 1, enqueue: (_o, g) => enqueued.push(g), emit: () => undefined });
  });
  afterAll(async () => h?.close());

  it('refuses bad starts with clear 4xx errors', async () => {
    const msg = async (res: Response): Promise<string> => `${res.status} ${((await res.json()) as { error: { message: string } }).error.message}`;
    expect(await msg(await start('r1', { spec: { selector: {} } }))).toMatch(/^422 nothing to roll out/);
    expect(await msg(await start('r1', { spec: { selector: {}, strategy: 'sideways', runtimeVersion: '2026.9.5' } }))).toMatch(/^422 invalid rollout spec: strategy/);
    expect(await msg(await start('R_1', { spec: { selector: {}, runtimeVersion: '2026.9.5' } }))).toMatch(/^422 rollout name/);
    expect(await msg(await start('r1', { spec: { selector: {}, runtimeVersion: '2026.9.5', gates: { agentTurn: { agent: 'helper', message: 'ping', expect: '(' } } } })))
      .toMatch(/^422 invalid rollout spec: gates\.agentTurn\.expect: not a valid regular expression/);
    expect(await msg(await start('r1', { spec: { selector: {}, runtimeVersion: '2026.9.5', gates: { agentTurn: { agent: 'helper' } } } }))).toMatch(/^422 invalid rollout spec: gates\.agentTurn\.message/);
    expect(await msg(await start('r1', { spec: { selector: { labels: { tier: 'none' } }, runtimeVersion: '2026.9.5' } }))).toBe('422 the selector matches no gateway');
    expect(await msg(await start('r1', { spec: { selector: { names: ['nope'] }, runtimeVersion: '2026.9.5' } }))).toMatch(/^422 spec.selector.names: no gateway "nope"/);
    expect(await msg(await start('r1', { spec: { selector: { names: ['gw-a'] } }, fleet: webTemplate }))).toMatch(/^422 the change also affects gateway\(s\) the selector does not include: gw-b/);
    // The gateways never ran: no revision to hold them on.
    expect(await msg(await start('r1', { spec: { selector: { labels: { tier: 'web' } } }, fleet: webTemplate }))).toMatch(/^409 cannot start the rollout: gateway gw-a has no running revision yet/);
    const applyRollout = await h.request('POST', '/v1/apply', { text: 'kind: Rollout\nmetadata: { name: x, org: ro }\nspec: { selector: {} }\n' });
    expect(await msg(applyRollout)).toMatch(/^422 Rollout "x" cannot be applied .*clawplane rollout start/);
    expect((await h.request('GET', '/v1/orgs/ro/rollouts')).status).toBe(200);
    // clawplane agents test: the body is checked first, then the agent; this harness runs no gateways (503).
    const test = (agent: string, body: unknown): Promise<Response> => h.request('POST', `/v1/orgs/ro/agents/${agent}/test`, { body });
    expect(await msg(await test('helper-a', {}))).toMatch(/^422 message: /);
    expect(await msg(await test('helper-a', { message: 'ping', expect: '/x/g' }))).toMatch(/^422 expect: not a valid regular expression: flag\(s\) "g" not supported/);
    expect(await msg(await test('helper-a', { message: 'ping', to: 'x' }))).toMatch(/^422 body: Unrecognized key/);
    expect(await msg(await test('nope', { message: 'ping' }))).toBe('404 Agent "nope" not found in organization "ro"');
    expect(await msg(await test('helper-a', { message: 'ping' }))).toMatch(/^503 /);
  });

  it('starts: writes the change and holds the affected gateways in one step; a broken canary rolls back and pins', async () => {
    await setGateway('gw-a', { revision: 1 });
    await setGateway('gw-b', { revision: 4 });
    await setGateway('gw-c', { revision: 2 });
    // The live agent-turn gate (ADR 0015) needs its agent on every gateway the rollout updates.
    const noAgent = await start('web-0', { spec: { selector: { labels: { tier: 'web' } }, gates: { agentTurn: { agent: 'nobody', message: 'ping' } } }, fleet: webTemplate });
    const noAgentBody = (await noAgent.json()) as { error: { message: string; issues: { code: string; resource: string }[] } };
    expect(noAgent.status).toBe(422);
    expect(noAgentBody.error.message).toMatch(/^spec\.gates\.agentTurn\.agent: gateway\(s\) gw-a, gw-b would have no agent "nobody" after the change/);
    expect(noAgentBody.error.issues.map((i) => [i.code, i.resource])).toEqual([['rollout_agent_missing', 'Gateway/gw-a'], ['rollout_agent_missing', 'Gateway/gw-b']]);
    expect((await h.request('GET', '/v1/orgs/ro/rollouts/web-0')).status).toBe(404);
    const res = await start('web-1', { spec: { selector: { labels: { tier: 'web' } }, strategy: 'canary', canary: { count: 1 }, gates: { timeoutSeconds: 60 } }, fleet: webTemplate });
    expect(res.status, await res.clone().text()).toBe(201);
    let s = await rollout('web-1');
    expect(s.phase).toBe('Progressing');
    expect(s.gateways.map((g) => [g.name, g.wave, g.from, g.hold, g.state])).toEqual([['gw-a', 0, 1, 1, 'pending'], ['gw-b', 1, 4, 4, 'pending']]);
    expect((await h.request('GET', '/v1/orgs/ro/configtemplates/web-timeout')).status).toBe(200);
    // Overlapping rollouts are refused.
    const again = await start('web-2', { spec: { selector: { names: ['gw-a'] }, runtimeVersion: '2026.9.5' } });
    expect(again.status).toBe(409);

    await controller.runOnce();
    s = await rollout('web-1');
    expect(s.gateways[0]).toMatchObject({ state: 'updating', restartsAtRelease: 0 });
    expect(s.gateways[0]!.hold).toBeUndefined();
    expect(enqueued).toContain('gw-a');
    // The canary comes up on revision 2, but its doctor gate fails.
    gateResults.set('gw-a', [{ gate: 'readyz', ok: true, message: 'ready' }, { gate: 'doctor', ok: false, message: '1 finding at error or above' }]);
    await setGateway('gw-a', { revision: 2 });
    await controller.runOnce();
    s = await rollout('web-1');
    expect(s.phase).toBe('RollingBack');
    expect(s.reason).toBe('gateway gw-a: gate failed: doctor: 1 finding at error or above');
    expect(s.gateways.map((g) => [g.state, g.hold])).toEqual([['rolling-back', 1], ['held', 4]]);
    // Back on revision 1: the rollout fails and the holds become pins.
    await setGateway('gw-a', { revision: 1 });
    await controller.runOnce();
    s = await rollout('web-1');
    expect(s.phase).toBe('Failed');
    for (const [g, rev] of [['gw-a', '1'], ['gw-b', '4']] as const) {
      const gw = (await (await h.request('GET', `/v1/orgs/ro/gateways/${g}`)).json()) as { metadata: { annotations?: Record<string, string> } };
      expect(gw.metadata.annotations?.['clawplane.dev/pinned-revision']).toBe(rev);
    }
    const audit = (await (await h.request('GET', '/v1/orgs/ro/audit?target=Rollout/web-1')).json()) as { items: { action: string; actor: string }[] };
    expect(audit.items.map((a) => a.action)).toEqual(expect.arrayContaining(['rollout.start', 'rollout.gateway-released', 'rollout.rolling-back', 'rollout.failed']));
    // An active rollout cannot be deleted; a finished one can.
    expect((await h.request('DELETE', '/v1/orgs/ro/rollouts/web-1')).status).toBe(200);
  });

  it('a failed runtime upgrade opens the circuit breaker until an admin clears it', async () => {
    for (const g of ['gw-a', 'gw-b']) {
      const gw = (await (await h.request('GET', `/v1/orgs/ro/gateways/${g}`)).json()) as { metadata: { resourceVersion: number } };
      expect((await h.request('POST', `/v1/orgs/ro/gateways/${g}/rollback`, { body: { clear: true } })).status, String(gw.metadata.resourceVersion)).toBe(200);
    }
    for (const n of [1, 2]) {
      await h.store.transaction((r) => r.revisions.append({ org: 'ro', gateway: 'gw-c', createdAt: new Date().toISOString(), specHash: `s${n}`, configHash: 'c', runtimeVersion: '2026.9.6', files: { 'openclaw.json': `{"n":${n}}` }, envNames: [], cause: 'test' }));
    }
    const res = await start('up-1', { spec: { selector: { names: ['gw-c'] }, runtimeVersion: '2026.9.5', strategy: 'all' } });
    expect(res.status, await res.clone().text()).toBe(201);
    let s = await rollout('up-1');
    expect(s.phase).toBe('AwaitingApproval');
    expect(s.riskReasons).toEqual(['runtime version change (2026.9.6 → 2026.9.5)']);
    await controller.runOnce();
    expect((await rollout('up-1')).gateways[0]!.state).toBe('pending');
    expect((await h.request('POST', '/v1/orgs/ro/rollouts/up-1/approve', { body: {} })).status).toBe(200);
    await controller.runOnce();
    s = await rollout('up-1');
    expect(s.gateways[0]).toMatchObject({ state: 'updating', backup: '/backups/gw-c.tgz' });
    // It never becomes ready: crash loop.
    await setGateway('gw-c', { revision: 3, restarts: 2, phase: 'exited', health: { live: false, ready: false } });
    await controller.runOnce();
    await setGateway('gw-c', { revision: 2, restarts: 2 });
    await controller.runOnce();
    s = await rollout('up-1');
    expect(s.phase).toBe('Failed');
    expect(s.gateways[0]!.message).toMatch(/^crash loop: restarted 2 time\(s\) since the update; back on revision 2; pre-upgrade state restored from \/backups\/gw-c\.tgz|^crash loop: restarted 2 time\(s\) since the update; pre-upgrade state restored from \/backups\/gw-c\.tgz; back on revision 2/);
    const breakers = (await (await h.request('GET', '/v1/orgs/ro/rollout-breakers')).json()) as { items: { version: string; failures: number; blocked: boolean }[] };
    expect(breakers.items).toEqual([expect.objectContaining({ version: '2026.9.5', failures: 1, blocked: true })]);
    // gw-c stays pinned to revision 2 with 2026.9.5 in its spec: a new rollout takes the pin over.
    const blocked = await start('up-2', { spec: { selector: { names: ['gw-c'] }, runtimeVersion: '2026.9.5' } });
    expect(blocked.status).toBe(409);
    expect(((await blocked.json()) as { error: { message: string } }).error.message).toMatch(/runtime version 2026.9.5 is blocked by the circuit breaker: 1 failed rollout\(s\).*clawplane rollout clear-breaker 2026.9.5/);
    expect((await h.request('DELETE', '/v1/orgs/ro/rollout-breakers/2026.9.5')).status).toBe(200);
    expect((await start('up-2', { spec: { selector: { names: ['gw-c'] }, runtimeVersion: '2026.9.5' } })).status).toBe(201);
    const gwc = (await (await h.request('GET', '/v1/orgs/ro/gateways/gw-c')).json()) as { metadata: { annotations?: Record<string, string> } };
    expect(gwc.metadata.annotations?.['clawplane.dev/pinned-revision']).toBeUndefined();
    expect((await rollout('up-2')).gateways[0]).toMatchObject({ from: 2, hold: 2 });
    expect((await h.request('POST', '/v1/orgs/ro/rollouts/up-2/pause', { body: {} })).status).toBe(200);
    expect((await h.request('POST', '/v1/orgs/ro/rollouts/up-2/pause', { body: {} })).status).toBe(409);
    expect((await h.request('POST', '/v1/orgs/ro/rollouts/up-2/abort', { body: {} })).status).toBe(200);
    await controller.runOnce();
    expect((await rollout('up-2')).phase).toBe('Aborted');
  });
});
