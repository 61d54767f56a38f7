import { describe, expect, it } from 'vitest';
import { checkSessionKey, interpretAgentFinal } from './agent-turn.ts';

// Shapes as a real 2026.9.6 gateway answered RPC `agent` with expectFinal (seen in the e2e test).
describe('interpretAgentFinal', () => {
  it('joins the text payloads of an ok final response', () => {
    expect(interpretAgentFinal({ runId: 'r', status: 'ok', summary: 'completed', result: { payloads: [{ text: 'PONG', mediaUrl: null }, { text: '42' }], meta: {} } })).toEqual({ text: 'PONG\n42' });
    expect(interpretAgentFinal({ status: 'ok', result: { payloads: [] } })).toEqual({ text: '' });
  });
  it('reports a non-ok status with the error payload or the summary', () => {
    expect(interpretAgentFinal({ status: 'error', summary: 'aborted', result: { payloads: [] } })).toEqual({ error: 'aborted' });
    expect(interpretAgentFinal({ status: 'error', result: { payloads: [{ text: 'model refused', isError: true }] } })).toEqual({ error: 'model refused' });
    expect(interpretAgentFinal({ status: 'ok', result: { payloads: [{ text: 'quota exceeded', isError: true }] } })).toEqual({ error: 'quota exceeded' });
    expect(interpretAgentFinal(undefined)).toEqual({ error: 'status null' });
  });
  it('runs checks in a session of their own', () => {
    expect(checkSessionKey('helper')).toBe('agent:helper:clawplane-check');
  });
});
