import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planRotationShifts, rotateLogIfNeeded } from './log-rotation.ts';

describe('planRotationShifts', () => {
  it('shifts oldest first so nothing is overwritten', () => {
    expect(planRotationShifts('/l/g.log', 3)).toEqual([
      { from: '/l/g.log.2', to: '/l/g.log.3' },
      { from: '/l/g.log.1', to: '/l/g.log.2' },
    ]);
    expect(planRotationShifts('/l/g.log', 1)).toEqual([]);
  });
});

describe('rotateLogIfNeeded', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rot-'));
    file = join(dir, 'gateway.log');
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('does nothing below the limit or when the file is missing', async () => {
    expect(await rotateLogIfNeeded(file, { maxBytes: 10, maxFiles: 3 })).toBe(false);
    await writeFile(file, 'short');
    expect(await rotateLogIfNeeded(file, { maxBytes: 10, maxFiles: 3 })).toBe(false);
    expect(await readFile(file, 'utf8')).toBe('short');
  });

  it('copies + truncates, keeps at most maxFiles rotated files, newest in .1', async () => {
    const opts = { maxBytes: 4, maxFiles: 2 };
    for (const gen of ['gen1', 'gen2', 'gen3']) {
      await writeFile(file, gen);
      expect(await rotateLogIfNeeded(file, opts)).toBe(true);
      expect(await readFile(file, 'utf8')).toBe('');
    }
    expect(await readFile(`${file}.1`, 'utf8')).toBe('gen3');
    expect(await readFile(`${file}.2`, 'utf8')).toBe('gen2');
    expect(existsSync(`${file}.3`)).toBe(false);
  });

  it('keeps appending to the same inode after truncation (writer keeps its fd)', async () => {
    const { open } = await import('node:fs/promises');
    const fh = await open(file, 'a');
    await fh.write('0123456789');
    await rotateLogIfNeeded(file, { maxBytes: 5, maxFiles: 3 });
    await fh.write('after');
    await fh.close();
    expect(await readFile(file, 'utf8')).toBe('after');
    expect(await readFile(`${file}.1`, 'utf8')).toBe('0123456789');
  });
});
