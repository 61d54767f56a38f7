import { describe, expect, it } from 'vitest';
import { AGENT_TURN_GATE, agentTestInputSchema, compileExpect, judgeAgentTurn } from './agent-turn.ts';
import { kinds } from './resources.ts';

const parseSpec = (gates: Record<string, unknown>) => kinds.Rollout.spec.safeParse({ selector: {}, gates });
const issuesOf = (r: ReturnType<typeof parseSpec>): string[] => (r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));

describe('gates.agentTurn in a Rollout spec', () => {
  it('is optional; the defaults of the other gates stay', () => {
    const r = kinds.Rollout.spec.parse({ selector: {} });
    expect(r.gates.agentTurn).toBeUndefined();
    expect(r.gates.doctor).toBe('error');
  });

  it('parses agent, message, expect, and defaults the timeout to 120 s', () => {
    const r = parseSpec({ agentTurn: { agent: 'helper', message: 'ping', expect: '/pong/i' } });
    expect(r.success).toBe(true);
    expect(r.data?.gates.agentTurn).toEqual({ agent: 'helper', message: 'ping', expect: '/pong/i', timeoutSeconds: 120 });
    expect(r.data?.gates.timeoutSeconds).toBe(180);
  });

  it('refuses a missing or empty message, naming the field', () => {
    expect(issuesOf(parseSpec({ agentTurn: { agent: 'helper' } }))).toEqual([expect.stringMatching(/^gates\.agentTurn\.message: /)]);
    expect(issuesOf(parseSpec({ agentTurn: { agent: 'helper', message: '   ' } }))).toEqual(['gates.agentTurn.message: must not be empty']);
  });

  it('refuses an agent that is not an agent id', () => {
    expect(issuesOf(parseSpec({ agentTurn: { agent: 'agent/Helper', message: 'hi' } }))[0]).toMatch(/^gates\.agentTurn\.agent: must be an agent id/);
  });

  it('refuses an invalid regular expression with the engine\'s reason', () => {
    expect(issuesOf(parseSpec({ agentTurn: { agent: 'helper', message: 'hi', expect: '(unclosed' } }))[0]).toMatch(/^gates\.agentTurn\.expect: not a valid regular expression: .*Unterminated group/);
    expect(issuesOf(parseSpec({ agentTurn: { agent: 'helper', message: 'hi', expect: '/x/g' } }))[0]).toMatch(/^gates\.agentTurn\.expect: not a valid regular expression: flag\(s\) "g" not supported/);
  });

  it('refuses out-of-range timeouts and unknown keys', () => {
    expect(issuesOf(parseSpec({ agentTurn: { agent: 'helper', message: 'hi', timeoutSeconds: 1 } }))[0]).toMatch(/^gates\.agentTurn\.timeoutSeconds: /);
    expect(issuesOf(parseSpec({ agentTurn: { agent: 'helper', message: 'hi', timeoutSeconds: 10_000 } }))[0]).toMatch(/^gates\.agentTurn\.timeoutSeconds: /);
    expect(issuesOf(parseSpec({ agentTurn: { agent: 'helper', message: 'hi', model: 'x' } }))[0]).toMatch(/^gates\.agentTurn: Unrecognized key/);
  });

  it('the agents test body uses the same rules', () => {
    expect(agentTestInputSchema.parse({ message: 'ping' })).toEqual({ message: 'ping', timeoutSeconds: 120 });
    expect(agentTestInputSchema.safeParse({ message: 'ping', expect: '[' }).success).toBe(false);
    expect(agentTestInputSchema.safeParse({ message: 'ping', agent: 'x' }).success).toBe(false);
  });
});

describe('compileExpect', () => {
  it('takes a bare pattern (case-sensitive) or /pattern/flags', () => {
    expect(compileExpect('PONG').test('pong')).toBe(false);
    expect(compileExpect('/PONG/i').test('pong')).toBe(true);
    expect(compileExpect('^a/b$').test('a/b')).toBe(true);
  });
});

describe('judgeAgentTurn', () => {
  const check = { agent: 'helper', expect: 'PONG \\d+', timeoutSeconds: 30 };
  it('passes a matching reply', () => {
    expect(judgeAgentTurn(check, { kind: 'reply', text: 'sure: PONG 42', durationMs: 1234 })).toEqual({ gate: AGENT_TURN_GATE, ok: true, message: 'agent helper replied in 1.2s, matching PONG \\d+' });
    expect(judgeAgentTurn({ agent: 'helper', timeoutSeconds: 30 }, { kind: 'reply', text: 'anything', durationMs: 10 }).ok).toBe(true);
  });
  it('fails a reply that does not match, quoting its start', () => {
    const r = judgeAgentTurn(check, { kind: 'reply', text: `I do not know ${'x'.repeat(300)}`, durationMs: 10 });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^agent helper: the reply does not match PONG \\d\+: "I do not know x+…"$/);
    expect(r.message.length).toBeLessThan(260);
  });
  it('fails an empty reply, an error and a timeout, naming the agent', () => {
    expect(judgeAgentTurn(check, { kind: 'reply', text: '  ', durationMs: 10 }).message).toBe('agent helper: the turn ended without a reply (0.0s)');
    expect(judgeAgentTurn(check, { kind: 'error', message: 'LLM request failed: connection refused', durationMs: 10 })).toEqual({ gate: 'agentTurn', ok: false, message: 'agent helper: the turn failed: LLM request failed: connection refused' });
    expect(judgeAgentTurn(check, { kind: 'timeout', durationMs: 30_000 })).toEqual({ gate: 'agentTurn', ok: false, message: 'agent helper: no reply within 30s' });
  });
});
