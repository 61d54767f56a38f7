import { describe, expect, it } from 'vitest';
import { diffJson, formatDiff, jsonEqual } from './json-diff.ts';

describe('diffJson', () => {
  it('reports added, removed and replaced leaves with paths', () => {
    const d = diffJson({ a: 1, b: { c: 2, d: [1] }, e: 'x' }, { a: 1, b: { c: 3, d: [1, 2] }, f: true });
    expect(d).toEqual([
      { path: 'b.c', op: 'replace', from: 2, to: 3 },
      { path: 'b.d', op: 'replace', from: [1], to: [1, 2] },
      { path: 'e', op: 'remove', from: 'x' },
      { path: 'f', op: 'add', to: true },
    ]);
    expect(formatDiff(d)[0]).toBe('~ b.c: 2 → 3');
  });
  it('treats undefined keys as absent and key order as irrelevant', () => {
    expect(jsonEqual({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(diffJson({ x: 1, y: 2 }, { y: 2, x: 1 })).toEqual([]);
  });
  it('quotes keys that are not identifiers', () => {
    expect(diffJson({}, { 'a.b': 1 })[0]?.path).toBe('["a.b"]');
  });
});
