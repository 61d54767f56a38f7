import { appendFile, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastLines, readLogLines } from './log-reader.ts';

describe('lastLines', () => {
  it('returns the last n lines without the trailing empty one', () => {
    expect(lastLines('a\nb\nc\n', 2)).toEqual(['b', 'c']);
    expect(lastLines('a\nb\npartial', 2)).toEqual(['b', 'partial']);
    expect(lastLines('', 3)).toEqual([]);
    expect(lastLines('a\n', 0)).toEqual([]);
  });
});

describe('readLogLines', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'logr-'));
    file = join(dir, 'gateway.log');
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('reads all lines, or the tail', async () => {
    await writeFile(file, 'l1\nl2\nl3\n');
    const all: string[] = [];
    for await (const l of readLogLines(file)) all.push(l);
    expect(all).toEqual(['l1', 'l2', 'l3']);
    const tail: string[] = [];
    for await (const l of readLogLines(file, { tailLines: 1 })) tail.push(l);
    expect(tail).toEqual(['l3']);
  });

  it('yields nothing for a missing file', async () => {
    const out: string[] = [];
    for await (const l of readLogLines(join(dir, 'nope.log'))) out.push(l);
    expect(out).toEqual([]);
  });

  it('follows appended lines across a copy-truncate rotation and stops on abort', async () => {
    await writeFile(file, 'old\n');
    const ac = new AbortController();
    const it = readLogLines(file, { follow: true, tailLines: 1, signal: ac.signal, pollMs: 5 })[Symbol.asyncIterator]();
    expect((await it.next()).value).toBe('old');
    await appendFile(file, 'new1\npart');
    expect((await it.next()).value).toBe('new1');
    await appendFile(file, 'ial\n');
    expect((await it.next()).value).toBe('partial');
    await truncate(file, 0);
    await appendFile(file, 'x\n'); // shorter than before → reread from start
    expect((await it.next()).value).toBe('x');
    ac.abort();
    expect((await it.next()).done).toBe(true);
  });
});
