import { describe, expect, it } from 'vitest';
import type { ObservedGateway } from '../core/ports/runtime.ts';
import { type ControllerDeps, type GatewayListItem, createGatewayController } from './controller.ts';
import { createFakeClock, flushAsync } from './fake-clock.ts';
import type { GatewayEvent, ReconcileResult } from './reconcile-gateway.ts';

function setup(over: { reconcile?: (key: string) => Promise<ReconcileResult | void> } = {}) {
  const clock = createFakeClock();
  const reconciled: string[] = [];
  const events: GatewayEvent[] = [];
  const errors: string[] = [];
  let gateways: GatewayListItem[] = [
    { org: 'acme', name: 'a', desiredState: 'running' },
    { org: 'acme', name: 'b', desiredState: 'stopped' },
  ];
  let observed: ObservedGateway[] = [];
  const deps: ControllerDeps = {
    reconcile: async (key) => {
      reconciled.push(key);
      return over.reconcile ? over.reconcile(key) : { outcome: 'unchanged' };
    },
    listGateways: async () => gateways,
    driver: { observeAll: async () => observed },
    clock,
    emit: (e) => void events.push(e),
    random: () => 0.5,
    onError: (where, err) => void errors.push(`${where}: ${(err as Error).message}`),
    options: { resyncIntervalMs: 30_000, crashPollIntervalMs: 2000, concurrency: 2 },
  };
  const controller = createGatewayController(deps);
  return {
    clock, controller, reconciled, events, errors,
    setGateways: (g: GatewayListItem[]) => void (gateways = g),
    setObserved: (o: ObservedGateway[]) => void (observed = o),
  };
}

describe('gateway controller (fake clock)', () => {
  it('reconciles every gateway at start and again at each resync', async () => {
    const t = setup();
    t.controller.start();
    await flushAsync();
    expect(t.reconciled.sort()).toEqual(['acme/a', 'acme/b']);
    t.setGateways([{ org: 'acme', name: 'a' }, { org: 'beta', name: 'c' }]);
    await t.clock.advance(29_999);
    expect(t.reconciled).toHaveLength(2);
    await t.clock.advance(1);
    expect(t.reconciled.slice(2).sort()).toEqual(['acme/a', 'beta/c']);
    await t.controller.stop();
  });

  it('enqueue() triggers a reconcile; failures retry with backoff; requeueAfterMs is honoured', async () => {
    let failures = 1;
    const t = setup({
      reconcile: async (key) => {
        if (key === 'acme/x' && failures-- > 0) throw new Error('transient');
        if (key === 'acme/y') return { outcome: 'started', requeueAfterMs: 5000 };
        return undefined;
      },
    });
    t.setGateways([]);
    t.controller.start();
    t.controller.enqueue('acme', 'x');
    t.controller.enqueue('acme', 'y');
    await flushAsync();
    expect(t.reconciled).toEqual(['acme/x', 'acme/y']);
    expect(t.errors).toEqual(['reconcile acme/x: transient']);
    await t.clock.advance(1000); // first retry after 1 s
    expect(t.reconciled).toEqual(['acme/x', 'acme/y', 'acme/x']);
    await t.clock.advance(4000);
    expect(t.reconciled).toEqual(['acme/x', 'acme/y', 'acme/x', 'acme/y']);
    await t.controller.stop();
  });

  it('crash watcher enqueues exited gateways that should run and emits gateway.crashed once per crash', async () => {
    const t = setup();
    t.controller.start();
    await flushAsync();
    t.reconciled.length = 0;
    t.setObserved([
      { id: 'acme--a', phase: 'exited', exitCode: 1, pid: 100 },
      { id: 'acme--b', phase: 'exited', exitCode: 0, pid: 101 }, // desired stopped: not a crash
      { id: 'other--z', phase: 'exited', exitCode: 1 }, // not ours
    ]);
    await t.clock.advance(2000);
    expect(t.reconciled).toEqual(['acme/a']);
    expect(t.events.map((e) => `${e.type} ${e.org}/${e.gateway} ${e.message}`)).toEqual(['gateway.crashed acme/a gateway a exited unexpectedly (exit code 1)']);
    await t.clock.advance(2000); // same exit seen again: no new event, no new enqueue
    expect(t.events).toHaveLength(1);
    expect(t.reconciled).toEqual(['acme/a']);
    t.setObserved([{ id: 'acme--a', phase: 'running', pid: 102 }]);
    await t.clock.advance(2000);
    t.setObserved([{ id: 'acme--a', phase: 'exited', exitCode: 137, pid: 102 }]);
    await t.clock.advance(2000);
    expect(t.events).toHaveLength(2);
    expect(t.reconciled).toEqual(['acme/a', 'acme/a']);
    await t.controller.stop();
  });

  it('keeps polling after listing or observe errors, and stop() ends timers and workers', async () => {
    const t = setup();
    let calls = 0;
    const c = createGatewayController({
      reconcile: async () => undefined,
      listGateways: async () => {
        calls++;
        throw new Error('db down');
      },
      driver: { observeAll: async () => Promise.reject(new Error('driver down')) },
      clock: t.clock,
      emit: () => undefined,
      onError: (where, err) => void t.errors.push(`${where}: ${(err as Error).message}`),
    });
    c.start();
    await t.clock.advance(30_000);
    expect(calls).toBe(2);
    expect(t.errors.filter((e) => e.startsWith('crash-watch'))).toHaveLength(15);
    await c.stop();
    const pending = t.clock.pending();
    await t.clock.advance(120_000);
    expect(calls).toBe(2);
    expect(pending).toBe(0);
  });
});
