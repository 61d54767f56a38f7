import { describe, expect, it } from 'vitest';
import type { Condition } from './resources.ts';
import { type Lifecycle, type PassFacts, deriveConditions, deriveLifecycle, readStoredStatus, setConditions } from './status.ts';

const T0 = '2026-12-04T10:00:00.000Z';
const T1 = '2026-12-04T10:05:00.000Z';

const facts = (over: Partial<PassFacts> = {}): PassFacts => ({
  desiredState: 'running', invalid: [], phase: 'running', health: { live: true, ready: true }, action: 'unchanged',
  readinessTimedOut: false, backingOff: false, crashLoop: false, previousLifecycle: 'running', ...over,
});
const bad = [{ code: 'x', path: 'spec.port', message: 'port taken', severity: 'error' as const }];

describe('deriveLifecycle', () => {
  it.each<[string, Partial<PassFacts>, Lifecycle]>([
    ['ready', {}, 'running'],
    ['first start, waiting', { previousLifecycle: undefined, action: 'started', health: { live: false, ready: false } }, 'creating'],
    ['first start timed out', { previousLifecycle: 'creating', action: 'started', readinessTimedOut: true, health: { live: true, ready: false } }, 'degraded'],
    ['running gateway turned unready', { health: { live: true, ready: false } }, 'degraded'],
    ['restart after stop, not ready yet', { previousLifecycle: 'stopped', action: 'started', health: { live: false, ready: false } }, 'creating'],
    ['stopped as desired', { desiredState: 'stopped', phase: 'stopped', health: undefined }, 'stopped'],
    ['stop did not take', { desiredState: 'stopped', phase: 'running' }, 'degraded'],
    ['invalid, still running old spec', { invalid: bad }, 'degraded'],
    ['invalid, never ran', { invalid: bad, phase: 'missing', previousLifecycle: undefined }, 'failed'],
    ['crash loop', { crashLoop: true, phase: 'exited', backingOff: true }, 'failed'],
    ['crashed, backing off', { phase: 'exited', backingOff: true, health: undefined }, 'degraded'],
    ['transient error on first run', { error: 'boom', previousLifecycle: undefined, phase: 'missing' }, 'creating'],
    ['transient error later', { error: 'boom' }, 'degraded'],
    ['drift reported', { driftReported: ['logging.level'] }, 'degraded'],
  ])('%s', (_n, over, expected) => {
    expect(deriveLifecycle(facts(over))).toBe(expected);
  });
});

describe('deriveConditions', () => {
  const brief = (over: Partial<PassFacts>) => deriveConditions(facts(over)).map((c) => `${c.type}=${c.status}/${c.reason}`);
  it.each<[string, Partial<PassFacts>, string[]]>([
    ['converged', {}, ['Ready=True/GatewayReady', 'Progressing=False/Converged', 'Degraded=False/AsExpected']],
    ['just started', { action: 'started', health: { live: false, ready: false }, previousLifecycle: undefined }, ['Ready=False/NotReady', 'Progressing=True/Starting', 'Degraded=False/AsExpected']],
    ['readiness timeout', { action: 'restarted', readinessTimedOut: true, health: { live: true, ready: false, failing: ['agents'] } }, ['Ready=False/NotReady', 'Progressing=True/Restarting', 'Degraded=True/ReadinessTimeout']],
    ['unhealthy in steady state', { health: { live: true, ready: false } }, ['Ready=False/NotReady', 'Progressing=True/WaitingForReady', 'Degraded=True/Unhealthy']],
    ['invalid spec', { invalid: bad, phase: 'missing', health: undefined }, ['Ready=False/InvalidSpec', 'Progressing=False/InvalidSpec', 'Degraded=True/InvalidSpec']],
    ['stopped', { desiredState: 'stopped', phase: 'stopped', health: undefined }, ['Ready=False/Stopped', 'Progressing=False/Stopped', 'Degraded=False/AsExpected']],
    ['crash backoff', { phase: 'exited', backingOff: true, health: undefined }, ['Ready=False/NotRunning', 'Progressing=True/BackingOff', 'Degraded=True/Crashed']],
    ['crash loop', { phase: 'exited', backingOff: true, crashLoop: true, health: undefined }, ['Ready=False/NotRunning', 'Progressing=True/BackingOff', 'Degraded=True/CrashLoop']],
    ['transient error', { error: 'driver down', phase: 'missing', health: undefined }, ['Ready=False/NotRunning', 'Progressing=True/Retrying', 'Degraded=True/ReconcileError']],
    ['drift reported', { driftReported: ['a.b'] }, ['Ready=True/GatewayReady', 'Progressing=False/Converged', 'Degraded=True/ConfigDrift']],
  ])('%s', (_n, over, expected) => {
    expect(brief(over)).toEqual(expected);
  });

  it('puts the issues in the InvalidSpec message', () => {
    const d = deriveConditions(facts({ invalid: bad })).find((c) => c.type === 'Degraded');
    expect(d?.message).toBe('spec.port: port taken');
  });
});

describe('setConditions', () => {
  const prev: Condition[] = [
    { type: 'Ready', status: 'True', reason: 'GatewayReady', message: 'a', lastTransitionTime: T0 },
    { type: 'Degraded', status: 'False', reason: 'AsExpected', message: '', lastTransitionTime: T0 },
  ];
  it('keeps lastTransitionTime when status is unchanged, sets it when changed or new', () => {
    const next = setConditions(prev, [
      { type: 'Degraded', status: 'True', reason: 'ConfigDrift', message: 'x' },
      { type: 'Ready', status: 'True', reason: 'GatewayReady', message: 'b' },
      { type: 'Progressing', status: 'False', reason: 'Converged', message: '' },
    ], T1);
    expect(next).toEqual([
      { type: 'Ready', status: 'True', reason: 'GatewayReady', message: 'b', lastTransitionTime: T0 },
      { type: 'Progressing', status: 'False', reason: 'Converged', message: '', lastTransitionTime: T1 },
      { type: 'Degraded', status: 'True', reason: 'ConfigDrift', message: 'x', lastTransitionTime: T1 },
    ]);
  });
  it('works without previous conditions', () => {
    expect(setConditions(undefined, [{ type: 'Ready', status: 'False', reason: 'NotRunning', message: '' }], T0)[0]?.lastTransitionTime).toBe(T0);
  });
});

describe('readStoredStatus', () => {
  it('keeps valid fields and drops garbage', () => {
    expect(readStoredStatus({ restarts: 3, lifecycle: 'nope', applied: { specHash: 'a', startHash: 'b' }, conditions: 'x' })).toEqual({
      restarts: 3, applied: { specHash: 'a', startHash: 'b' },
    });
    expect(readStoredStatus(undefined)).toEqual({});
  });
});
