// `clawplane agents test agent/NAME --message TEXT [--expect RE]` (ADR 0015): one live agent turn on
// the agent's running gateway, judged exactly like the rollout gate `gates.agentTurn`. Operators
// and admins; audited as agent.test (agent, gateway, verdict; never the message sent).
import { type AgentTestInput, agentTestInputSchema, judgeAgentTurn } from '../core/agent-turn.ts';
import { agentIdOf } from '../core/effective-gateway.ts';
import { type Actor, authorize } from './actor.ts';
import type { AppDeps } from './app-deps.ts';
import { AppError } from './app-error.ts';
import { recordAudit } from './record-audit.ts';

export interface AgentTestResult {
  agent: string;
  agentId: string;
  gateway: string;
  ok: boolean;
  message: string;
  /** The agent's reply, when there was one. */
  reply?: string;
  durationMs: number;
}

export function parseAgentTestInput(body: unknown): AgentTestInput {
  const parsed = agentTestInputSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError('invalid', `${first?.path.join('.') || 'body'}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export async function testAgent(deps: AppDeps, actor: Actor, org: string, name: string, body: unknown, requestId?: string): Promise<AgentTestResult> {
  authorize(actor, org, 'write');
  const input = parseAgentTestInput(body);
  const agent = await deps.store.transaction((repos) => repos.resources.get(org, 'Agent', name));
  if (!agent) throw new AppError('not_found', `Agent "${name}" not found in organization "${org}"`);
  const gateway = agent.metadata.gateway;
  if (!gateway) throw new AppError('invalid', `Agent "${name}" belongs to no gateway`);
  if (!deps.agentTurns) throw new AppError('unavailable', 'this server runs no gateways (started with --no-reconcile)');
  const gw = await deps.store.transaction((repos) => repos.resources.get(org, 'Gateway', gateway));
  const live = (gw?.status as { health?: { live?: unknown } } | undefined)?.health?.live === true;
  if (!live) throw new AppError('unavailable', `Gateway "${gateway}" of Agent "${name}" is not running; start it first (clawplane start gateway/${gateway})`);
  const agentId = agentIdOf(agent);
  const outcome = await deps.agentTurns.run(org, gateway, { agentId, message: input.message, timeoutMs: input.timeoutSeconds * 1000 });
  const verdict = judgeAgentTurn({ agent: agentId, timeoutSeconds: input.timeoutSeconds, ...(input.expect !== undefined ? { expect: input.expect } : {}) }, outcome);
  await deps.store.transaction((repos) => recordAudit(repos, actor, {
    org, action: 'agent.test', target: `Agent/${name}`,
    diff: { gateway, agentId, ok: verdict.ok, message: verdict.message, ...(input.expect !== undefined ? { expect: input.expect } : {}) },
    ...(requestId ? { requestId } : {}),
  }, deps.now()));
  return {
    agent: name, agentId, gateway, ok: verdict.ok, message: verdict.message, durationMs: outcome.durationMs,
    ...(outcome.kind === 'reply' ? { reply: outcome.text } : {}),
  };
}
