import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeLayers } from '../../core/config-layers.ts';
import { createDirectoryIncludeReader } from './include-reader.ts';

const tmp = mkdtempSync(join(tmpdir(), 'clawplane-inc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('directory include reader', () => {
  it('reads inside the root and refuses symlink escapes', () => {
    const root = join(tmp, 'tpl');
    mkdirSync(join(root, 'parts'), { recursive: true });
    writeFileSync(join(root, 'parts', 'a.json5'), '{ x: 1 }');
    writeFileSync(join(tmp, 'secret.json5'), '{ stolen: true }');
    symlinkSync(join(tmp, 'secret.json5'), join(root, 'parts', 'link.json5'));
    const readInclude = createDirectoryIncludeReader(root);
    const ok = mergeLayers([{ source: 'T', content: '{ a: { $include: "parts/a.json5" } }', readInclude }]);
    expect(ok.value).toEqual({ a: { x: 1 } });
    const esc = mergeLayers([{ source: 'T', content: '{ a: { $include: "parts/link.json5" } }', readInclude }]);
    expect(esc.issues[0]?.code).toBe('include_escape');
    expect(esc.issues[0]?.message).toContain('symlink');
  });
});
