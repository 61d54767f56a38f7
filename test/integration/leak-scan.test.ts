import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanForSecret, secretNeedles } from '../helpers/leak-scan.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cp-leak-'));
  await mkdir(join(dir, 'a', 'b'), { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const secret = 'tg-123456:AAH-SuperSecretBotToken';

describe('scanForSecret', () => {
  it('finds raw, base64 (any alignment, url-safe), hex and JSON-escaped forms in nested files', async () => {
    const s = Buffer.from(secret);
    await writeFile(join(dir, 'raw.json'), `{"botToken":"${secret}"}`);
    await writeFile(join(dir, 'a', 'b64.txt'), s.toString('base64'));
    await writeFile(join(dir, 'a', 'b', 'b64-shift1.bin'), Buffer.concat([Buffer.from('x'), s, Buffer.from('tail')]).toString('base64'));
    await writeFile(join(dir, 'a', 'b', 'b64-shift2.bin'), Buffer.concat([Buffer.from('xy'), s]).toString('base64url'));
    await writeFile(join(dir, 'hex.txt'), `prefix ${s.toString('hex').toUpperCase()} suffix`);
    await writeFile(join(dir, 'clean.txt'), 'nothing to see');
    expect(await scanForSecret([dir], secret)).toEqual(
      [join(dir, 'a', 'b', 'b64-shift1.bin'), join(dir, 'a', 'b', 'b64-shift2.bin'), join(dir, 'a', 'b64.txt'), join(dir, 'hex.txt'), join(dir, 'raw.json')].sort(),
    );
    const quoted = 'pa"ss\\word-1234567';
    await writeFile(join(dir, 'escaped.json'), JSON.stringify({ password: quoted }));
    expect(await scanForSecret([join(dir, 'escaped.json')], quoted)).toEqual([join(dir, 'escaped.json')]);
  });

  it('returns nothing for clean trees, follows symlinks without looping, and checks inputs exist', async () => {
    await writeFile(join(dir, 'a', 'clean'), 'no secret here');
    await symlink(dir, join(dir, 'a', 'loop'));
    expect(await scanForSecret([dir, join(dir, 'a', 'clean')], secret)).toEqual([]);
    await expect(scanForSecret([join(dir, 'missing')], secret)).rejects.toThrow(/does not exist/);
    expect(await scanForSecret([join(dir, 'missing')], secret, { allowMissing: true })).toEqual([]);
    expect(() => secretNeedles('')).toThrow(/empty/);
  });
});
