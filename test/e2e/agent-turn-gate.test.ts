// The live agent-turn gate (ADR 0015) end to end: a real `clawplane serve`, the real CLI, ONE real
// OpenClaw 2026.9.6 gateway (process runtime) doing real agent turns. No model credentials exist
// here, so the model is a local OpenAI-compatible stand-in server in this test process
// (test/helpers/stand-in-model.ts, streaming SSE as OpenClaw's openai-completions provider asks);
// the fleet points a provider at it with a ConfigTemplate and the agent uses `local/stand-in`
// (allowed by a Policy). 1. `agents test` passes; 2. a rollout gated on the turn succeeds; 3. a
// rollout whose change breaks the turn (the agent moves to a model that answers something else)
// fails the gate and is rolled back automatically, explained in `rollout status`; 4. bad gate input
// is refused before anything changes; 5. a provider on a dead port: no reply within the budget.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, freePort, runCli, startServerProcess } from '../helpers/cli.ts';
import { RUNTIMES_DIR, api, gatewayView, killTree, processesWithStateDir, waitFor } from '../helpers/e2e.ts';
import { type StandInModel, startStandInModel } from '../helpers/stand-in-model.ts';

interface Entry { name: string; state: string; from: number; revision?: number; message?: string; gates?: { gate: string; ok: boolean; message: string }[] }
interface RolloutView { status: { phase: string; reason?: string; gateways: Entry[] } }

function agentDoc(purpose: string, model: string): string {
  return `kind: Agent
metadata: { name: helper, gateway: gw1 }
spec: { kind: usecase, purpose: ${purpose}, model: ${model} }
`;
}

function providerTemplate(modelUrl: string): string {
  return `kind: ConfigTemplate
metadata: { name: local-model }
spec:
  scope: { kind: org }
  content: '{ models: { providers: { local: { baseUrl: "${modelUrl}", api: "openai-completions", models: [{ id: "stand-in", name: "Stand-in" }, { id: "mute", name: "Mute" }] } } } }'
`;
}

function fleet(port: number, modelUrl: string): string {
  return `apiVersion: clawplane.dev/v1alpha1
kind: Organization
metadata: { name: at }
spec: { displayName: Agent turns, defaults: { runtime: { kind: openclaw, version: "2026.9.6" } } }
---
kind: Policy
metadata: { name: local-models }
spec: { scope: { kind: org }, models: { allow: ["local/*"] } }
---
${providerTemplate(modelUrl)}---
kind: Gateway
metadata: { name: gw1 }
spec: { profile: usecase, port: ${port} }
---
${agentDoc('Answers pings', 'local/stand-in')}`;
}

describe('live agent-turn gate (1 real OpenClaw gateway, local stand-in model)', () => {
  let dir: string;
  let server: ServerProcess;
  let env: NodeJS.ProcessEnv;
  let model: StandInModel;
  const view = gatewayView(() => server, () => dir, 'at', 'gw1');
  const rollout = (name: string): Promise<RolloutView> => api<RolloutView>(server.url, server.token, 'GET', `/v1/orgs/at/rollouts/${name}`);
  const gateFlags = ['--agent-turn', 'helper', '--agent-turn-message', 'ping from the rollout', '--agent-turn-expect', '/^PONG/', '--agent-turn-timeout', '90', '--doctor', 'off'];

  beforeAll(async () => {
    model = await startStandInModel({ model: 'stand-in' });
    // The "stand-in" model answers pings; "mute" answers something that fails the gate's expect.
    model.setReply(({ model: m, userText }) => (m === 'mute' ? 'I would rather not say.' : /ping/i.test(userText) ? 'PONG — the stand-in model is here' : 'hello'));
    dir = await mkdtemp(join(tmpdir(), 'clawplane-agentturn-'));
    server = await startServerProcess(dir, { env: { CLAWPLANE_RUNTIMES_DIR: RUNTIMES_DIR } });
    env = { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: server.token };
    await writeFile(join(dir, 'fleet.yaml'), fleet(await freePort(), model.url));
    await writeFile(join(dir, 'purpose.yaml'), agentDoc('Answers pings politely', 'local/stand-in'));
    await writeFile(join(dir, 'mute.yaml'), agentDoc('Answers pings politely', 'local/mute'));
    // The provider moved to a port nothing listens on (the agent back on its good model).
    await writeFile(join(dir, 'dead.yaml'), `${agentDoc('Answers pings politely', 'local/stand-in')}---\n${providerTemplate(`http://127.0.0.1:${await freePort()}/v1`)}`);
    const applied = await runCli(['apply', '-f', join(dir, 'fleet.yaml')], env);
    expect(applied.code, applied.stderr).toBe(0);
    await waitFor('gw1 ready, revision 1', 150_000, view.ready((g) => g.status?.revision === 1));
  }, 200_000);
  afterAll(async () => {
    if (process.env.CLAWPLANE_TEST_KEEP_LOGS) await writeFile(process.env.CLAWPLANE_TEST_KEEP_LOGS, server?.logs() ?? '');
    await server?.stop('SIGKILL');
    killTree(await processesWithStateDir(join(dir, 'gateways', 'at--gw1', 'state')));
    await model?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('agents test: one real turn through the gateway to the stand-in model (streaming), audited', async () => {
    const r = await runCli(['agents', 'test', 'agent/helper', '--message', 'ping 1', '--expect', 'PONG', '--timeout', '120'], env, undefined, 150_000);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/^agent\/helper on gateway\/gw1: PASS — agent helper replied in [\d.]+s, matching PONG/);
    expect(r.stdout).toContain('reply: PONG — the stand-in model is here');
    // What OpenClaw's openai-completions provider really sent: a streamed chat completion for the agent's model.
    const req = model.requests.at(-1)!;
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.body).toMatchObject({ model: 'stand-in', stream: true });
    expect(req.body.messages?.some((m) => m.role === 'user' && JSON.stringify(m.content).includes('ping 1'))).toBe(true);

    const miss = await runCli(['agents', 'test', 'helper', '--message', 'ping 2', '--expect', '/^nope/i'], env, undefined, 150_000);
    expect(miss.code).toBe(1);
    expect(miss.stdout).toContain('FAIL — agent helper: the reply does not match /^nope/i: "PONG — the stand-in model is here"');
    const audit = await runCli(['audit', 'list', '--target', 'Agent/helper'], env);
    expect(audit.stdout).toContain('agent.test');
  }, 320_000);

  it('refuses bad gate input before anything changes', async () => {
    const noMsg = await runCli(['rollout', 'start', 'x1', '-f', join(dir, 'purpose.yaml'), '--agent-turn', 'helper'], env);
    expect(noMsg.code).not.toBe(0);
    expect(noMsg.stderr).toContain('--agent-turn needs --agent-turn-message');
    const badRe = await runCli(['rollout', 'start', 'x2', '-f', join(dir, 'purpose.yaml'), '--agent-turn', 'helper', '--agent-turn-message', 'hi', '--agent-turn-expect', '(oops'], env);
    expect(badRe.code).not.toBe(0);
    expect(badRe.stderr).toMatch(/gates\.agentTurn\.expect: not a valid regular expression/);
    const noAgent = await runCli(['rollout', 'start', 'x3', '-f', join(dir, 'purpose.yaml'), '--agent-turn', 'nobody', '--agent-turn-message', 'hi'], env);
    expect(noAgent.code).not.toBe(0);
    expect(noAgent.stderr).toContain('gateway(s) gw1 would have no agent "nobody" after the change');
    expect((await view.get()).status?.revision).toBe(1);
  });

  it('a rollout gated on a live agent turn succeeds when the model answers as expected', async () => {
    const started = await runCli(['rollout', 'start', 'polite', '-f', join(dir, 'purpose.yaml'), '--gateways', 'gw1', ...gateFlags], env);
    expect(started.code, started.stderr).toBe(0);
    const watched = await runCli(['rollout', 'status', 'polite', '-w'], env, undefined, 240_000);
    expect(watched.code, `${watched.stdout}\n${watched.stderr}`).toBe(0);
    expect(watched.stdout).toMatch(/rollout\/polite: Succeeded/);
    const e = (await rollout('polite')).status.gateways[0]!;
    expect(e.state).toBe('succeeded');
    expect(e.gates?.map((g) => g.gate)).toEqual(['readyz', 'health', 'channels', 'version', 'agentTurn']);
    expect(e.gates?.at(-1)).toMatchObject({ ok: true, message: expect.stringMatching(/^agent helper replied in [\d.]+s, matching \/\^PONG\/$/) });
    expect(model.requests.some((r) => JSON.stringify(r.body.messages).includes('ping from the rollout'))).toBe(true);
  }, 260_000);

  // Regression (CI run of 2026-12-05): the gates used to run before the gateway's file watcher had
  // hot-reloaded the change, so the turn went to the old model and passed. The reconciler now waits
  // for `config.get` to show the new file applied before it reports the revision.
  it('a change that breaks the turn fails the gate and is rolled back automatically, explained in rollout status', async () => {
    const before = (await view.get()).status!.revision!;
    const started = await runCli(['rollout', 'start', 'mute', '-f', join(dir, 'mute.yaml'), '--gateways', 'gw1', ...gateFlags], env);
    expect(started.code, started.stderr).toBe(0);
    const watched = await runCli(['rollout', 'status', 'mute', '-w'], env, undefined, 240_000);
    expect(watched.code).toBe(1);
    expect(watched.stdout).toMatch(/rollout\/mute: Failed/);
    expect(watched.stdout).toMatch(/gw1\s+1\s+rolled-back/);
    expect(watched.stdout).toContain('agentTurn: agent helper: the reply does not match /^PONG/: "I would rather not say."');
    const r = await rollout('mute');
    expect(r.status.reason).toMatch(/^gateway gw1: gate failed: agentTurn: agent helper: the reply does not match/);
    // Back on the known-good revision, pinned to it, and the agent answers again.
    await waitFor('gw1 back on its previous revision, pinned', 90_000, view.ready((g) => g.status?.revision === before && g.metadata.annotations?.['clawplane.dev/pinned-revision'] === String(before)));
    const again = await runCli(['agents', 'test', 'agent/helper', '--message', 'ping 3', '--expect', 'PONG'], env, undefined, 150_000);
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
  }, 320_000);

  // Regression (CI run of 2026-12-05): the gates used to run before the gateway's file watcher had
  // hot-reloaded the change, so the turn went to the old model and passed. The reconciler now waits
  // for `config.get` to show the new file applied before it reports the revision.
  it('a change that points the provider at a dead port: no reply within the turn budget, rolled back', async () => {
    const before = (await view.get()).status!.revision!;
    const flags = gateFlags.map((f) => (f === '90' ? '20' : f));
    const started = await runCli(['rollout', 'start', 'dead', '-f', join(dir, 'dead.yaml'), '--gateways', 'gw1', ...flags], env);
    expect(started.code, started.stderr).toBe(0);
    const watched = await runCli(['rollout', 'status', 'dead', '-w'], env, undefined, 240_000);
    expect(watched.code).toBe(1);
    expect(watched.stdout).toMatch(/gw1\s+1\s+rolled-back/);
    expect((await rollout('dead')).status.reason).toBe('gateway gw1: gate failed: agentTurn: agent helper: no reply within 20s');
    await waitFor('gw1 back on its previous revision', 90_000, view.ready((g) => g.status?.revision === before));
  }, 300_000);
});
