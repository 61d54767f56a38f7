import { describe, expect, it } from 'vitest';
import { changedConfigPaths, jsonEqual, parseConfigText } from './config-diff.ts';

describe('changedConfigPaths', () => {
  it.each<[string, unknown, unknown, string[]]>([
    ['identical', { gateway: { port: 1 } }, { gateway: { port: 1 } }, []],
    ['changed leaf', { gateway: { port: 1, bind: 'loopback' } }, { gateway: { port: 2, bind: 'loopback' } }, ['gateway.port']],
    ['added subtree lists its leaves', { a: 1 }, { a: 1, agents: { entries: { ops: { name: 'Ops', skills: [] } } } }, ['agents.entries.ops.name', 'agents.entries.ops.skills']],
    ['removed subtree', { a: 1, logging: { level: 'info', file: '/x' } }, { a: 1 }, ['logging.file', 'logging.level']],
    ['array is a leaf', { skills: { allowBundled: ['a', 'b'] } }, { skills: { allowBundled: ['b', 'a'] } }, ['skills.allowBundled']],
    ['equal arrays of objects', { bindings: [{ agentId: 'a', match: { channel: 't' } }] }, { bindings: [{ match: { channel: 't' }, agentId: 'a' }] }, []],
    ['object replaced by scalar', { model: { primary: 'x' } }, { model: 'x' }, ['model']],
    ['scalar replaced by object', { model: 'x' }, { model: { primary: 'x' } }, ['model']],
    ['empty object added', {}, { tools: {} }, ['tools']],
    ['root scalar', 1, 2, ['<root>']],
    ['null vs missing', { a: null }, {}, ['a']],
    ['sorted output', { z: 1, a: 1 }, { z: 2, a: 2 }, ['a', 'z']],
  ])('%s', (_name, a, b, expected) => {
    expect(changedConfigPaths(a, b)).toEqual(expected);
  });
});

describe('jsonEqual / parseConfigText', () => {
  it('ignores key order and undefined members', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1, d: undefined })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, [1])).toBe(false);
  });
  it('parses JSON5 and returns undefined for garbage', () => {
    expect(parseConfigText('{gateway: {port: 1,}, // c\n}')).toEqual({ gateway: { port: 1 } });
    expect(parseConfigText('{')).toBeUndefined();
    expect(parseConfigText(undefined)).toBeUndefined();
  });
});
