import { describe, expect, it } from 'vitest';
import type { GatewayStats, ObservedGateway } from '../core/ports/runtime.ts';
import { createStatsSampler } from './stats-sampler.ts';

function fakeDriver(state: { running: string[]; failing?: Set<string>; hanging?: Set<string> }) {
  const calls: string[] = [];
  return {
    calls,
    driver: {
      observeAll: () => Promise.resolve(state.running.map((id) => ({ id, phase: 'running' }) as ObservedGateway).concat([{ id: 'stopped-one', phase: 'stopped' } as ObservedGateway])),
      stats: (id: string): Promise<GatewayStats> => {
        calls.push(id);
        if (state.failing?.has(id)) return Promise.reject(new Error('engine said no'));
        if (state.hanging?.has(id)) return new Promise(() => undefined);
        return Promise.resolve({ cpuPercent: 1.5, memoryBytes: id.length * 1000, pids: 3 });
      },
    },
  };
}

describe('stats sampler', () => {
  it('samples running gateways only, forgets gateways that stopped, and reports failures and timeouts', async () => {
    const state = { running: ['a--x', 'a--yy', 'b--z'], failing: new Set(['b--z']), hanging: new Set<string>() };
    const { driver, calls } = fakeDriver(state);
    const errors: (string | undefined)[] = [];
    const s = createStatsSampler({ driver, intervalMs: 0, timeoutMs: 100, concurrency: 2, now: () => new Date('2026-12-05T00:00:00Z'), onError: (id) => errors.push(id) });
    await s.sampleNow();
    expect(calls.sort()).toEqual(['a--x', 'a--yy', 'b--z']);
    expect(s.get('a--yy')).toEqual({ stats: { cpuPercent: 1.5, memoryBytes: 5000, pids: 3 }, at: '2026-12-05T00:00:00.000Z' });
    expect(s.get('b--z')).toBeUndefined();
    expect(s.get('stopped-one')).toBeUndefined();
    expect(errors).toEqual(['b--z']);

    state.running = ['a--x'];
    state.hanging.add('a--x');
    await s.sampleNow();
    expect(s.get('a--yy')).toBeUndefined(); // stopped meanwhile
    expect(s.get('a--x')).toBeUndefined(); // timed out: no stale figure kept
    expect(errors).toEqual(['b--z', 'a--x']);
  });

  it('runs one pass at a time', async () => {
    const { driver, calls } = fakeDriver({ running: ['a--x'] });
    const s = createStatsSampler({ driver, intervalMs: 0, now: () => new Date() });
    await Promise.all([s.sampleNow(), s.sampleNow()]);
    expect(calls).toEqual(['a--x']);
  });
});
