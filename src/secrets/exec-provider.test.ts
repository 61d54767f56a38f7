import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecSecretsProvider } from './exec-provider.ts';

// A real command: node running a small script that behaves like a password-manager CLI.
let dir: string;
let script: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cp-exec-'));
  script = join(dir, 'vault-cli.mjs');
  await writeFile(script, `
const [mode, id] = process.argv.slice(2);
if (mode === 'get') { if (id === 'missing') process.exit(3); process.stdout.write('value-of-' + id + '\\n'); }
else if (mode === 'echo-args') process.stdout.write(JSON.stringify(process.argv.slice(3)));
else if (mode === 'env') process.stdout.write(Object.keys(process.env).sort().join(','));
else if (mode === 'hang') setTimeout(() => {}, 60000);
else if (mode === 'flood') process.stdout.write('x'.repeat(100000));
else if (mode === 'empty') process.exit(0);
`);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const node = process.execPath;

describe('exec secrets provider', () => {
  it('runs the configured command with an argument array and reads stdout', async () => {
    const p = createExecSecretsProvider({ commands: { default: { command: node, args: [script, 'get', '{id}'] } } });
    expect(await p.get('acme', 'tg', 'telegram/bot')).toBe('value-of-telegram/bot');
  });

  it('hands the id over as one argument; ids with shell metacharacters are refused outright', async () => {
    const p = createExecSecretsProvider({ commands: { default: { command: node, args: [script, 'echo-args', '{org}', '{name}'] } } });
    // without {id} in args, the id is appended as the last argument
    expect(JSON.parse((await p.get('acme', 'tg', 'op://vault/item:field@v+2')) ?? '')).toEqual(['acme', 'tg', 'op://vault/item:field@v+2']);
    for (const bad of ['a;b', '$(id)', 'a|b', '`x`', '-rf', 'a b']) await expect(p.get('acme', 'tg', bad)).rejects.toMatchObject({ code: 'invalid-reference' });
  });

  it('gives the command only the configured environment', async () => {
    const p = createExecSecretsProvider({ commands: { default: { command: node, args: [script, 'env'], env: { ONLY_THIS: '1' } } } });
    expect(await p.get('acme', 'tg', 'x')).toBe('ONLY_THIS');
  });

  it('reports failures clearly, without values', async () => {
    const cfg = (mode: string, extra: object = {}) => createExecSecretsProvider({ commands: { default: { command: node, args: [script, mode, '{id}'], ...extra } } });
    await expect(cfg('get').get('acme', 'tg', 'missing')).rejects.toMatchObject({ code: 'provider-failed', message: expect.stringContaining('exited with code 3') });
    await expect(cfg('hang', { timeoutMs: 300 }).get('acme', 'tg', 'x')).rejects.toMatchObject({ code: 'provider-failed', message: expect.stringContaining('within 300 ms') });
    await expect(cfg('flood', { maxBytes: 1000 }).get('acme', 'tg', 'x')).rejects.toMatchObject({ code: 'provider-failed', message: expect.stringContaining('more than 1000 bytes') });
    expect(await cfg('empty').get('acme', 'tg', 'x')).toBeUndefined();
    await expect(cfg('get').get('acme', 'tg', '../etc/passwd')).rejects.toMatchObject({ code: 'invalid-reference' });
    await expect(cfg('get').get('acme', 'tg', undefined)).rejects.toMatchObject({ code: 'invalid-reference' });
    await expect(cfg('get').get('acme', 'tg', 'x', { source: 'other' })).rejects.toMatchObject({ code: 'unknown-source' });
    await expect(createExecSecretsProvider({ commands: { default: { command: '/nonexistent/bin', args: [] } } }).get('acme', 'tg', 'x')).rejects.toMatchObject({ code: 'provider-failed', message: expect.stringContaining('ENOENT') });
    expect(() => createExecSecretsProvider({ commands: { default: { command: 'relative', args: [] } } })).toThrow(/absolute/);
  });
});
