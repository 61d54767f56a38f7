// One live agent turn on a running OpenClaw gateway (ADR 0015), through OpenClaw's own WS client as
// the trusted local backend: RPC `agent` with expectFinal (the gateway answers "accepted", then the
// final `{runId, status, summary, result: {payloads: [{text}], meta}}` when the turn ends; this is
// what `openclaw agent` does). The turn runs in a session of its own (agent:<id>:clawplane-check), so
// checks never land in the agent's main conversation. On timeout the run is aborted (`chat.abort`).
import { randomUUID } from 'node:crypto';
import type { AgentTurnOutcome } from '../../core/agent-turn.ts';
import { redactSecrets } from '../../core/redact.ts';
import { type ProbeEndpoint, closeClient, connectGateway } from './probe.ts';

export const CHECK_SESSION_SUFFIX = 'clawplane-check';

export function checkSessionKey(agentId: string): string {
  return `agent:${agentId}:${CHECK_SESSION_SUFFIX}`;
}

interface AgentFinal {
  status?: unknown;
  summary?: unknown;
  result?: { payloads?: unknown };
}

/** Pure: the reply text of a final `agent` response, or why there is none. */
export function interpretAgentFinal(res: unknown): { text: string } | { error: string } {
  const r = (res ?? {}) as AgentFinal;
  const payloads = Array.isArray(r.result?.payloads) ? (r.result.payloads as unknown[]) : [];
  const parts = payloads.map((p) => (p && typeof p === 'object' ? (p as { text?: unknown; isError?: unknown }) : {}));
  const failed = parts.find((p) => p.isError === true && typeof p.text === 'string');
  if (r.status !== 'ok') {
    const why = typeof failed?.text === 'string' ? failed.text : typeof r.summary === 'string' ? r.summary : `status ${JSON.stringify(r.status ?? null)}`;
    return { error: why };
  }
  if (failed) return { error: String(failed.text) };
  return { text: parts.map((p) => (typeof p.text === 'string' ? p.text : '')).filter(Boolean).join('\n') };
}

function errorMessage(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { message?: unknown; gatewayCode?: unknown; code?: unknown };
    const msg = typeof e.message === 'string' ? e.message.replace(/^GatewayClientRequestError:\s*/, '') : String(err);
    const code = typeof e.gatewayCode === 'string' ? e.gatewayCode : typeof e.code === 'string' ? e.code : undefined;
    return code && !msg.includes(code) ? `${msg} (${code})` : msg;
  }
  return String(err);
}

function isTimeout(err: unknown): boolean {
  const m = errorMessage(err);
  return /timeout|timed out/i.test(m) && !/provider|LLM/i.test(m);
}

/** Run one turn; never throws (connection problems are an `error` outcome). */
export async function runAgentTurn(
  endpoint: ProbeEndpoint, token: string, turn: { agentId: string; message: string; timeoutMs: number },
): Promise<AgentTurnOutcome> {
  const started = Date.now();
  const elapsed = (): number => Date.now() - started;
  const clean = (msg: string): string => redactSecrets(msg, { values: [token] }).slice(0, 500);
  let conn: Awaited<ReturnType<typeof connectGateway>>;
  try {
    conn = await connectGateway(endpoint, token, Math.min(15_000, turn.timeoutMs));
  } catch (err) {
    return { kind: 'error', message: clean(`cannot connect to the gateway: ${errorMessage(err)}`), durationMs: elapsed() };
  }
  const sessionKey = checkSessionKey(turn.agentId);
  const runId = randomUUID();
  try {
    const res = await conn.client.request('agent', {
      message: turn.message,
      agentId: turn.agentId,
      sessionKey,
      deliver: false,
      timeout: Math.max(1, Math.ceil(turn.timeoutMs / 1000)),
      idempotencyKey: runId,
    }, { expectFinal: true, timeoutMs: turn.timeoutMs });
    const r = interpretAgentFinal(res);
    return 'text' in r ? { kind: 'reply', text: r.text, durationMs: elapsed() } : { kind: 'error', message: clean(r.error), durationMs: elapsed() };
  } catch (err) {
    if (isTimeout(err) || elapsed() >= turn.timeoutMs) {
      try {
        await conn.client.request('chat.abort', { sessionKey, agentId: turn.agentId, runId }, { timeoutMs: 5000 });
      } catch {
        // best effort: the run may have ended meanwhile
      }
      return { kind: 'timeout', durationMs: elapsed() };
    }
    return { kind: 'error', message: clean(errorMessage(err)), durationMs: elapsed() };
  } finally {
    await closeClient(conn.client);
  }
}
