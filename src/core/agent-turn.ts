// A live agent turn as a check (ADR 0015), pure: the check's schema (rollout gate
// `gates.agentTurn` and `clawplane agents test`), the `expect` pattern, and the verdict on what the
// gateway answered. The turn itself runs in the OpenClaw adapter (RPC `agent`).
import { z } from 'zod';

export const AGENT_TURN_GATE = 'agentTurn';
export const DEFAULT_AGENT_TURN_TIMEOUT_SECONDS = 120;
/** How much of a reply a verdict quotes (the reply is model output, never a Clawplane secret). */
const QUOTE_CHARS = 160;

/** `expect` as a pattern ("PONG") or a literal with flags ("/pong/i"). */
export function compileExpect(expect: string): RegExp {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(expect);
  if (!m) return new RegExp(expect);
  const bad = m[2]!.replace(/[imsu]/g, '');
  if (bad) throw new Error(`flag(s) "${bad}" not supported (use i, m, s, u)`);
  return new RegExp(m[1]!, m[2]);
}

function expectError(expect: string): string | undefined {
  try {
    compileExpect(expect);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export const agentIdPattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const messageText = z.string().trim().min(1, 'must not be empty').max(4000);
const expectText = z.string().min(1).max(500).superRefine((v, ctx) => {
  const err = expectError(v);
  if (err) ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${err}` });
});
const turnTimeout = z.number().int().min(5).max(900).default(DEFAULT_AGENT_TURN_TIMEOUT_SECONDS);

/** The rollout gate: which agent (its OpenClaw agent id) gets which message on every updated gateway. */
export const agentTurnGateSchema = z
  .object({
    agent: z.string().regex(agentIdPattern, 'must be an agent id (lowercase letters, digits, "_", "-"; the Agent\'s spec.agentId or name)'),
    message: messageText,
    /** A regular expression the reply must match (e.g. "PONG" or "/pong/i"); without it any non-empty reply passes. */
    expect: expectText.optional(),
    /** The turn's own budget, from the request to the final reply. */
    timeoutSeconds: turnTimeout,
  })
  .strict();
export type AgentTurnGate = z.infer<typeof agentTurnGateSchema>;

/** Body of `POST /v1/orgs/ORG/agents/NAME/test` (the agent comes from the path). */
export const agentTestInputSchema = z.object({ message: messageText, expect: expectText.optional(), timeoutSeconds: turnTimeout }).strict();
export type AgentTestInput = z.infer<typeof agentTestInputSchema>;

/** What the gateway did with the turn. */
export type AgentTurnOutcome =
  | { kind: 'reply'; text: string; durationMs: number }
  | { kind: 'timeout'; durationMs: number }
  | { kind: 'error'; message: string; durationMs: number };

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > QUOTE_CHARS ? `${flat.slice(0, QUOTE_CHARS)}…` : flat);
}

/** The verdict: the agent answered, in time, and (with `expect`) with a matching reply. */
export function judgeAgentTurn(check: { agent: string; expect?: string; timeoutSeconds: number }, outcome: AgentTurnOutcome): { gate: string; ok: boolean; message: string } {
  const who = `agent ${check.agent}`;
  const secs = (outcome.durationMs / 1000).toFixed(1);
  switch (outcome.kind) {
    case 'timeout':
      return { gate: AGENT_TURN_GATE, ok: false, message: `${who}: no reply within ${check.timeoutSeconds}s` };
    case 'error':
      return { gate: AGENT_TURN_GATE, ok: false, message: `${who}: the turn failed: ${outcome.message}` };
    case 'reply': {
      if (outcome.text.trim() === '') return { gate: AGENT_TURN_GATE, ok: false, message: `${who}: the turn ended without a reply (${secs}s)` };
      if (check.expect !== undefined && !compileExpect(check.expect).test(outcome.text)) {
        return { gate: AGENT_TURN_GATE, ok: false, message: `${who}: the reply does not match ${check.expect}: ${quote(outcome.text)}` };
      }
      return { gate: AGENT_TURN_GATE, ok: true, message: `${who} replied in ${secs}s${check.expect !== undefined ? `, matching ${check.expect}` : ''}` };
    }
    default: {
      const never: never = outcome;
      throw new Error(`unknown outcome ${JSON.stringify(never)}`);
    }
  }
}
