import { describe, expect, it } from 'vitest';
import { createFakeClock, flushAsync } from './fake-clock.ts';
import { createWorkQueue, runWorkers } from './work-queue.ts';

function setup() {
  const clock = createFakeClock();
  const queue = createWorkQueue({ clock, random: () => 0.5, backoff: { baseMs: 1000, maxMs: 60_000 } });
  return { clock, queue };
}

/** A handler whose calls stay pending until the test resolves or rejects them. */
function controllableHandler() {
  const calls: { key: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  let active = 0;
  let maxActive = 0;
  const perKeyActive = new Map<string, number>();
  const handler = (key: string) =>
    new Promise<void>((resolve, reject) => {
      active++;
      maxActive = Math.max(maxActive, active);
      perKeyActive.set(key, (perKeyActive.get(key) ?? 0) + 1);
      if ((perKeyActive.get(key) ?? 0) > 1) throw new Error(`key ${key} processed twice at once`);
      const end = () => {
        active--;
        perKeyActive.set(key, (perKeyActive.get(key) ?? 1) - 1);
      };
      calls.push({ key, resolve: () => (end(), resolve()), reject: (e) => (end(), reject(e)) });
    });
  return { handler, calls, maxActive: () => maxActive };
}

describe('work queue', () => {
  it('deduplicates keys waiting in the queue', async () => {
    const { queue } = setup();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.len()).toBe(2);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
    expect(queue.len()).toBe(0);
  });

  it('never hands a key to two workers; a re-add while processing runs once more afterwards', async () => {
    const { queue } = setup();
    const h = controllableHandler();
    runWorkers(queue, h.handler, { concurrency: 4 });
    queue.add('a');
    await flushAsync();
    expect(h.calls.map((c) => c.key)).toEqual(['a']);
    queue.add('a');
    queue.add('a');
    await flushAsync();
    expect(h.calls).toHaveLength(1); // still in flight: not started again
    h.calls[0]?.resolve();
    await flushAsync();
    expect(h.calls.map((c) => c.key)).toEqual(['a', 'a']); // exactly one more pass
    h.calls[1]?.resolve();
    await flushAsync();
    expect(h.calls).toHaveLength(2);
    queue.shutDown();
  });

  it('runs different keys concurrently up to the concurrency limit', async () => {
    const { queue } = setup();
    const h = controllableHandler();
    runWorkers(queue, h.handler, { concurrency: 2 });
    for (const k of ['a', 'b', 'c']) queue.add(k);
    await flushAsync();
    expect(h.calls.map((c) => c.key)).toEqual(['a', 'b']);
    h.calls[1]?.resolve();
    await flushAsync();
    expect(h.calls.map((c) => c.key)).toEqual(['a', 'b', 'c']);
    expect(h.maxActive()).toBe(2);
    queue.shutDown();
  });

  it('requeues failures with exponential backoff and forgets on success', async () => {
    const { queue, clock } = setup();
    const h = controllableHandler();
    const errors: string[] = [];
    runWorkers(queue, h.handler, { onError: (k, e) => errors.push(`${k}: ${(e as Error).message}`) });
    queue.add('a');
    await flushAsync();
    h.calls[0]?.reject(new Error('boom'));
    await flushAsync();
    expect(errors).toEqual(['a: boom']);
    expect(queue.numRequeues('a')).toBe(1);
    await clock.advance(999);
    expect(h.calls).toHaveLength(1);
    await clock.advance(1);
    expect(h.calls).toHaveLength(2); // after 1 s
    h.calls[1]?.reject(new Error('boom'));
    await clock.advance(1999);
    expect(h.calls).toHaveLength(2);
    await clock.advance(1);
    expect(h.calls).toHaveLength(3); // after 2 s
    h.calls[2]?.resolve();
    await flushAsync();
    expect(queue.numRequeues('a')).toBe(0);
    queue.shutDown();
  });

  it('addAfter keeps the earliest pending delay and requeueAfterMs schedules another pass', async () => {
    const { queue, clock } = setup();
    let n = 0;
    const seen: number[] = [];
    runWorkers(queue, async () => {
      seen.push(clock.now());
      n++;
      return n === 1 ? { requeueAfterMs: 5000 } : undefined;
    });
    const t0 = clock.now();
    queue.addAfter('a', 10_000);
    queue.addAfter('a', 3000);
    queue.addAfter('a', 7000);
    await clock.advance(3000);
    expect(seen).toEqual([t0 + 3000]);
    await clock.advance(4999);
    expect(seen).toHaveLength(1);
    await clock.advance(1);
    expect(seen).toEqual([t0 + 3000, t0 + 8000]);
    await clock.advance(60_000);
    expect(seen).toHaveLength(2); // the 7 s and 10 s delays were superseded
    expect(clock.pending()).toBe(0);
    queue.shutDown();
  });

  it('shutDown releases waiting workers and drops delayed keys', async () => {
    const { queue, clock } = setup();
    const pool = runWorkers(queue, async () => undefined, { concurrency: 3 });
    queue.addAfter('x', 1000);
    queue.shutDown();
    await pool.stopped;
    expect(clock.pending()).toBe(0);
    queue.add('y');
    expect(queue.len()).toBe(0);
    expect(await queue.get()).toBeUndefined();
  });
});
