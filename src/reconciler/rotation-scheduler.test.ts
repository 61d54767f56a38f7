import { describe, expect, it } from 'vitest';
import type { RotationInput } from '../core/secret-rotation.ts';
import { createFakeClock } from './fake-clock.ts';
import { createRotationScheduler } from './rotation-scheduler.ts';

const DAY = 86_400_000;

describe('rotation scheduler (fake clock)', () => {
  it('renews due generated values, reports due human values once, rolls due gateways one at a time', async () => {
    const start = Date.parse('2026-03-01T00:00:00.000Z');
    const clock = createFakeClock(start);
    const iso = (ms: number) => new Date(ms).toISOString();
    const input: RotationInput[] = [{
      org: 'acme', orgDays: 30,
      secrets: [
        { name: 'webhook', provider: 'local', rotation: { generate: true } },
        { name: 'tg', provider: 'local' },
        { name: 'fast', provider: 'local', rotation: { everyDays: 7, generate: true } },
        { name: 'ext', provider: 'vault' },
      ],
      values: [
        { name: 'webhook', scope: '', updatedAt: iso(start - 10 * DAY) },
        { name: 'webhook', scope: 'gateway/gw1', updatedAt: iso(start - 29 * DAY) },
        { name: 'tg', scope: 'agent/helper', updatedAt: iso(start - 25 * DAY) },
        { name: 'fast', scope: '', updatedAt: iso(start - 1 * DAY) },
      ],
      gateways: [{ name: 'gw1', tokenUpdatedAt: iso(start - 28 * DAY), running: true }, { name: 'gw2', tokenUpdatedAt: iso(start - 28 * DAY), running: true }, { name: 'gw3', tokenUpdatedAt: iso(start), running: true }],
    }];
    const log: string[] = [];
    let inFlight = 0;
    const sched = createRotationScheduler({
      clock, intervalMs: DAY,
      collect: () => Promise.resolve(input),
      renew: (org, name, scope) => {
        log.push(`renew ${name}@${scope}`);
        input[0]!.values = input[0]!.values.map((v) => (v.name === name && v.scope === scope ? { ...v, updatedAt: iso(clock.now()) } : v));
        return Promise.resolve();
      },
      reportDue: (_o, name, scope, dueAt) => {
        log.push(`due ${name}@${scope} ${dueAt.slice(0, 10)}`);
        return Promise.resolve();
      },
      roll: async (_o, gw) => {
        inFlight++;
        expect(inFlight).toBe(1); // one gateway at a time
        log.push(`roll ${gw}`);
        await clock.sleep(1000);
        input[0]!.gateways = input[0]!.gateways.map((g) => (g.name === gw ? { ...g, tokenUpdatedAt: iso(clock.now()) } : g));
        inFlight--;
        return { restarted: true, ready: true };
      },
      onError: (w, e) => log.push(`error ${w} ${String(e)}`),
    });
    sched.start();
    await clock.advance(DAY - 1);
    expect(log).toEqual([]);
    await clock.advance(1); // day 1: nothing due yet (webhook@gw1 due at day 1 exactly: 29 + 1 = 30 days)
    expect(log).toEqual(['renew webhook@gateway/gw1']);
    log.length = 0;
    await clock.advance(DAY + 2000); // day 2: both gateway tokens (30 days) roll, in order
    expect(log).toEqual(['roll gw1', 'roll gw2']);
    log.length = 0;
    await clock.advance(3 * DAY + 2000); // day 5: tg@agent is due (30 days): reported once, not changed
    expect(log).toEqual(['due tg@agent/helper 2026-03-06']);
    log.length = 0;
    await clock.advance(3 * DAY); // day 8: 'fast' (7 days) renewed; tg not reported again
    expect(log).toEqual(['renew fast@']);
    sched.stop();
    expect(clock.pending()).toBe(0);
  });

  it('stops rolling when a gateway does not come back ready', async () => {
    const clock = createFakeClock(Date.parse('2026-06-01T00:00:00.000Z'));
    const old = '2026-01-01T00:00:00.000Z';
    const rolled: string[] = [];
    const sched = createRotationScheduler({
      clock,
      collect: () => Promise.resolve([{ org: 'acme', secrets: [], values: [], gateways: ['a', 'b', 'c'].map((name) => ({ name, tokenUpdatedAt: old, running: true })) }]),
      renew: () => Promise.resolve(), reportDue: () => Promise.resolve(),
      roll: (_o, gw) => {
        rolled.push(gw);
        return Promise.resolve({ restarted: true, ready: gw !== 'b' });
      },
      onError: () => undefined,
    });
    const plan = await sched.runOnce();
    expect(plan.roll.map((r) => r.gateway)).toEqual(['a', 'b', 'c']);
    expect(rolled).toEqual(['a', 'b']);
  });
});
