import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretsError, type SecretDefinition, type SecretsProvider } from '../core/ports/secrets.ts';
import { createEnvSecretsProvider } from './env-provider.ts';
import { createFileSecretsProvider } from './file-provider.ts';
import { createLocalSecretStore } from './local-store.ts';
import { createSecretResolver } from './resolver.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cp-resolver-'));
  await writeFile(join(dir, 'slack'), 'xoxb-from-file\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const def = (name: string, spec: SecretDefinition['spec'], org?: string): SecretDefinition => ({ metadata: { name, ...(org ? { org } : {}) }, spec });

describe('createSecretResolver', () => {
  it('resolves each Secret through the provider its spec names', async () => {
    const local = createLocalSecretStore({ dataDir: join(dir, 'data') });
    await local.set('acme', 'gw-token', 'local-value');
    const resolver = createSecretResolver({
      providers: [local, createEnvSecretsProvider({ env: { TG_TOKEN: 'env-value' } }), createFileSecretsProvider({ allowedRoots: [dir] })],
    });
    const secrets = [
      def('gw-token', { provider: 'local' }),
      def('tg', { provider: 'env', key: 'TG_TOKEN' }),
      def('slack', { provider: 'file', key: join(dir, 'slack') }),
    ];
    expect(await resolver.resolve('acme', 'gw-token', secrets)).toEqual({ value: 'local-value', issues: [] });
    const all = await resolver.resolveAll('acme', ['gw-token', 'tg', 'slack', 'tg'], secrets);
    expect(Object.fromEntries(all.values)).toEqual({ 'gw-token': 'local-value', tg: 'env-value', slack: 'xoxb-from-file' });
    expect(all.issues).toEqual([]);
  });

  it('explains every unresolved secret with an Issue that holds no value', async () => {
    const local = createLocalSecretStore({ dataDir: join(dir, 'data') });
    await local.set('other', 'foreign', 'other-org-value');
    const resolver = createSecretResolver({ providers: [local, createEnvSecretsProvider({ env: { CLAWPLANE_SECRETS_KEY: 'master-material' } })] });
    const secrets = [
      def('unset', { provider: 'local' }),
      def('no-key', { provider: 'env' }),
      def('reserved', { provider: 'env', key: 'CLAWPLANE_SECRETS_KEY' }),
      def('from-file', { provider: 'file', key: '/etc/x' }),
      def('foreign', { provider: 'local' }, 'other'),
    ];
    const r = await resolver.resolveAll('acme', ['missing', 'unset', 'no-key', 'reserved', 'from-file', 'foreign'], secrets);
    expect(r.values.size).toBe(0);
    expect(r.issues.map((i) => [i.resource, i.code, i.severity])).toEqual([
      ['Secret/missing', 'secret.undefined', 'error'],
      ['Secret/unset', 'secret.value-missing', 'error'],
      ['Secret/no-key', 'secret.key-missing', 'error'],
      ['Secret/reserved', 'secret.forbidden', 'error'],
      ['Secret/from-file', 'secret.provider-unavailable', 'error'],
      ['Secret/foreign', 'secret.undefined', 'error'], // another org's Secret is invisible
    ]);
    expect(JSON.stringify(r.issues)).not.toContain('master-material');
    expect(JSON.stringify(r.issues)).not.toContain('other-org-value');
  });

  it('reduces unexpected provider errors to their class, never their message', async () => {
    const leaky: SecretsProvider = {
      kind: 'env',
      get: () => Promise.reject(new Error('boom: the value was s3cr3t')),
    };
    const resolver = createSecretResolver({ providers: [leaky] });
    const r = await resolver.resolve('acme', 'x', [def('x', { provider: 'env', key: 'X' })]);
    expect(r.value).toBeUndefined();
    expect(r.issues[0]?.code).toBe('secret.provider-error');
    expect(JSON.stringify(r.issues)).not.toContain('s3cr3t');
    const typed: SecretsProvider = { kind: 'env', get: () => Promise.reject(new SecretsError('decrypt-failed', 'cannot decrypt')) };
    const r2 = await createSecretResolver({ providers: [typed] }).resolve('acme', 'x', [def('x', { provider: 'env', key: 'X' })]);
    expect(r2.issues[0]?.code).toBe('secret.decrypt-failed');
  });

  it('refuses two providers of one kind', () => {
    const env = createEnvSecretsProvider({ env: {} });
    expect(() => createSecretResolver({ providers: [env, env] })).toThrow(/two secrets providers/);
  });
});
