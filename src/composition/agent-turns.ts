// Wires live agent turns (app port AgentTurnOps, ADR 0015) to the OpenClaw adapter: the gateway's
// endpoint from its RuntimeDriver, its auth token from the desired state. Used by `agents test` and
// by the rollout gate `gates.agentTurn`.
import { runAgentTurn } from '../adapters/openclaw/agent-turn.ts';
import type { AgentTurnOps } from '../app/app-deps.ts';
import type { RuntimeDriver } from '../core/ports/runtime.ts';
import { GATEWAY_TOKEN_ENV } from '../reconciler/desired-state.ts';
import { deploymentId } from '../reconciler/gateway-key.ts';
import type { DesiredGateway } from '../reconciler/reconcile-gateway.ts';

export function createAgentTurnOps(opts: { driver: RuntimeDriver; loadDesired(org: string, name: string): Promise<DesiredGateway | undefined> }): AgentTurnOps {
  return {
    run: async (org, gateway, turn) => {
      const d = await opts.loadDesired(org, gateway);
      if (!d) return { kind: 'error', message: `gateway ${gateway} no longer exists`, durationMs: 0 };
      const endpoint = opts.driver.endpoint(deploymentId(org, gateway), d.effective.port);
      return runAgentTurn(endpoint, d.env[GATEWAY_TOKEN_ENV] ?? '', turn);
    },
  };
}
