import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type JsonObject, type JsonValue, collectEnvReferences, deepMerge, explainPath, formatConfigPath, mergeLayers, parseConfigPath, resolveIncludePath,
} from './config-layers.ts';

describe('mergeLayers', () => {
  it('merges objects, replaces scalars and arrays, deletes with {$delete:true}, and records provenance', () => {
    const r = mergeLayers([
      { source: 'org', content: '{ gateway: { port: 1, bind: "loopback" }, skills: { allowBundled: ["a", "b"] }, tools: { deny: ["exec"] } }' },
      { source: 'group', content: '{ gateway: { port: 2 }, skills: { allowBundled: ["c"] }, tools: { $delete: true } }' },
      { source: 'agent', at: ['agents', 'entries', 'helpdesk'], content: '{ model: "openai/gpt-5.4" }' },
    ]);
    expect(r.issues).toEqual([]);
    expect(r.value).toEqual({
      gateway: { port: 2, bind: 'loopback' },
      skills: { allowBundled: ['c'] },
      agents: { entries: { helpdesk: { model: 'openai/gpt-5.4' } } },
    });
    expect(Object.fromEntries(r.provenance)).toEqual({
      'gateway.port': 'group', 'gateway.bind': 'org', 'skills.allowBundled': 'group', 'agents.entries.helpdesk.model': 'agent',
    });
    expect(explainPath(r.provenance, 'agents.entries.helpdesk.model').leaves).toEqual([{ path: 'agents.entries.helpdesk.model', source: 'agent' }]);
    expect(explainPath(r.provenance, 'gateway').leaves.map((l) => l.source)).toEqual(['org', 'group']);
    expect(explainPath(r.provenance, 'nope').found).toBe(false);
  });

  it('null is a value, not a deletion', () => {
    expect(deepMerge({ a: { b: 1 } }, { a: null })).toEqual({ a: null });
  });

  it('resolves $include relative to the including file, with sibling keys winning and file provenance', () => {
    const r = mergeLayers([{
      source: 'ConfigTemplate/base',
      content: '{ agents: { $include: "parts/agents.json5", defaults: { timeoutSeconds: 30 } } }',
      files: {
        'parts/agents.json5': '{ defaults: { $include: ["./a.json5", "b.json5"], timeoutSeconds: 10 } }',
        'parts/a.json5': '{ skills: ["weather"], maxConcurrent: 1 }',
        'parts/b.json5': '{ maxConcurrent: 2 }',
      },
    }]);
    expect(r.issues).toEqual([]);
    expect(r.value).toEqual({ agents: { defaults: { skills: ['weather'], maxConcurrent: 2, timeoutSeconds: 30 } } });
    expect(r.provenance.get('agents.defaults.skills')).toBe('ConfigTemplate/base (parts/a.json5)');
    expect(r.provenance.get('agents.defaults.maxConcurrent')).toBe('ConfigTemplate/base (parts/b.json5)');
    expect(r.provenance.get('agents.defaults.timeoutSeconds')).toBe('ConfigTemplate/base');
  });

  it('refuses escapes, absolute paths, cycles, depth > 10 and missing files with clear errors', () => {
    const codes = (content: string, files: Record<string, string>): string[] => mergeLayers([{ source: 'T', content, files }]).issues.map((i) => i.code);
    expect(codes('{ a: { $include: "../x.json5" } }', {})).toEqual(['include_escape']);
    expect(codes('{ a: { $include: "/etc/passwd" } }', {})).toEqual(['include_escape']);
    expect(codes('{ a: { $include: "d/../../x" } }', {})).toEqual(['include_escape']);
    expect(codes('{ a: { $include: "x.json5" } }', { 'x.json5': '{ b: { $include: "y.json5" } }', 'y.json5': '{ c: { $include: "x.json5" } }' })).toEqual(['include_cycle']);
    const chain: Record<string, string> = {};
    for (let i = 0; i < 12; i++) chain[`f${i}.json5`] = `{ n: { $include: "f${i + 1}.json5" } }`;
    chain['f12.json5'] = '{ end: true }';
    expect(codes('{ a: { $include: "f0.json5" } }', chain)).toEqual(['include_too_deep']);
    expect(codes('{ a: { $include: "nope.json5" } }', {})).toEqual(['include_missing']);
    expect(codes('{ a: ', {})).toEqual(['config_parse_error']);
    const msg = mergeLayers([{ source: 'ConfigTemplate/t', content: '{ a: { $include: "../x" } }', files: {} }]).issues[0]?.message ?? '';
    expect(msg).toContain('ConfigTemplate/t');
    expect(msg).toContain('../x');
  });

  it('allows .. that stays inside the root', () => {
    expect(resolveIncludePath('a/b', '../c.json5')).toBe('a/c.json5');
    expect(resolveIncludePath('', '../c.json5')).toBeUndefined();
  });
});

describe('paths', () => {
  it('quotes keys that are not simple and round-trips', () => {
    const p = formatConfigPath(['agents', 'defaults', 'models', 'openai/gpt-5.4', 'alias']);
    expect(p).toBe('agents.defaults.models["openai/gpt-5.4"].alias');
    expect(parseConfigPath(p)).toEqual(['agents', 'defaults', 'models', 'openai/gpt-5.4', 'alias']);
  });
  it('collects ${VAR} references with OpenClaw semantics', () => {
    expect(collectEnvReferences({ a: '${TOKEN}', b: ['x $${LITERAL}'], c: { d: 'pre-${A_B}-post' } })).toEqual([
      { name: 'TOKEN', path: 'a' }, { name: 'A_B', path: 'c.d' },
    ]);
  });
});

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const leaf: fc.Arbitrary<JsonValue> = fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }));
const obj: fc.Arbitrary<JsonObject> = fc.letrec<{ o: JsonObject; v: JsonValue }>((tie) => ({
  o: fc.dictionary(key, tie('v'), { maxKeys: 4 }),
  v: fc.oneof({ depthSize: 'small' }, leaf, tie('o')),
})).o;

describe('merge properties', () => {
  it('is idempotent: merging a layer twice equals merging it once', () => {
    fc.assert(fc.property(obj, obj, (a, b) => {
      expect(deepMerge(deepMerge(a, b), b)).toEqual(deepMerge(a, b));
    }));
  });
  it('later wins: every scalar/array leaf of the last layer is in the result, attributed to it', () => {
    const get = (o: JsonValue, path: string[]): JsonValue | undefined =>
      path.reduce<JsonValue | undefined>((v, k) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v[k] : undefined), o);
    fc.assert(fc.property(obj, obj, (a, b) => {
      const r = mergeLayers([{ source: 'A', content: a }, { source: 'B', content: b }]);
      const only = mergeLayers([{ source: 'B', content: b }]);
      for (const [p] of only.provenance) {
        const segs = parseConfigPath(p);
        const v = get(b, segs);
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) continue; // an empty object merges
        expect(r.provenance.get(p)).toBe('B');
        expect(get(r.value, segs)).toEqual(v);
      }
    }));
  });
  it('order of layers touching unrelated keys does not matter', () => {
    fc.assert(fc.property(obj, obj, (a, b) => {
      const b2: JsonObject = Object.fromEntries(Object.entries(b).map(([k, v]) => [`x${k}`, v]));
      expect(deepMerge(deepMerge({}, a), b2)).toEqual(deepMerge(deepMerge({}, b2), a));
    }));
  });
  it('merging onto an empty object is the identity', () => {
    fc.assert(fc.property(obj, (a) => {
      expect(deepMerge({}, a)).toEqual(a);
    }));
  });
});
