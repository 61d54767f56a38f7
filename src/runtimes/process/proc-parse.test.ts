import { describe, expect, it } from 'vitest';
import { environMatchesStateDir, parseEnviron, parseProcStat } from './proc-parse.ts';

describe('parseEnviron', () => {
  it('splits NUL-separated entries and keeps "=" inside values', () => {
    const env = parseEnviron('A=1\0B=x=y\0EMPTY=\0\0');
    expect([...env]).toEqual([['A', '1'], ['B', 'x=y'], ['EMPTY', '']]);
  });
  it('accepts bytes and ignores malformed entries', () => {
    const env = parseEnviron(Buffer.from('noequals\0=novalue\0K=v\0'));
    expect([...env]).toEqual([['K', 'v']]);
  });
});

describe('environMatchesStateDir', () => {
  const state = '/data/gateways/acme--gw1/state';
  it('matches only the exact state dir', () => {
    expect(environMatchesStateDir(`PATH=/bin\0OPENCLAW_STATE_DIR=${state}\0`, state)).toBe(true);
    expect(environMatchesStateDir(`OPENCLAW_STATE_DIR=${state}2\0`, state)).toBe(false);
    expect(environMatchesStateDir(`OPENCLAW_STATE_DIR=/data/gateways/other/state\0`, state)).toBe(false);
  });
  it('treats a recycled pid without the variable, or a zombie (empty environ), as not ours', () => {
    expect(environMatchesStateDir('PATH=/bin\0HOME=/root\0', state)).toBe(false);
    expect(environMatchesStateDir('', state)).toBe(false);
  });
  it('is not fooled by the value appearing under another name', () => {
    expect(environMatchesStateDir(`X_OPENCLAW_STATE_DIR=${state}\0`, state)).toBe(false);
  });
});

describe('parseProcStat', () => {
  // Real layout of /proc/<pid>/stat (52 fields); comm with spaces and parentheses.
  const fields = (comm: string, state = 'S') =>
    `4242 (${comm}) ${state} 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0 98765 1234567 20000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n`;
  it('parses the fields the driver uses', () => {
    expect(parseProcStat(fields('openclaw'))).toEqual({
      pid: 4242, comm: 'openclaw', state: 'S', ppid: 1, pgrp: 4242, utime: 250, stime: 50, starttime: 98765, rssPages: 20000,
    });
  });
  it('handles comm containing ") " and spaces', () => {
    const st = parseProcStat(fields('we ird) (name'));
    expect(st?.comm).toBe('we ird) (name');
    expect(st?.pgrp).toBe(4242);
  });
  it('reports zombie state and rejects garbage', () => {
    expect(parseProcStat(fields('node', 'Z'))?.state).toBe('Z');
    expect(parseProcStat('garbage')).toBeUndefined();
    expect(parseProcStat('1 (x) S 1 2')).toBeUndefined();
  });
});
