import { describe, expect, it } from 'vitest';
import { Mutex } from './mutex.ts';

describe('Mutex', () => {
  it('runs callers one at a time in arrival order, also after a failure', async () => {
    const m = new Mutex();
    const log: string[] = [];
    let active = 0;
    const task = (id: string, fail = false) =>
      m.run(async () => {
        active++;
        expect(active).toBe(1);
        log.push(`start ${id}`);
        await Promise.resolve();
        await Promise.resolve();
        log.push(`end ${id}`);
        active--;
        if (fail) throw new Error(id);
        return id;
      });
    const results = await Promise.allSettled([task('a'), task('b', true), task('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
