import { describe, expect, it } from 'vitest';
import { createEnvSecretsProvider } from './env-provider.ts';

describe('createEnvSecretsProvider', () => {
  const env = { TG_TOKEN: 'tg-value', EMPTY: '', CLAWPLANE_SECRETS_KEY: 'master', clawplane_db: 'x', OTHER: 'o' };

  it('reads the variable named by key from the injected env only', async () => {
    const p = createEnvSecretsProvider({ env });
    expect(p.kind).toBe('env');
    expect(await p.get('acme', 'tg', 'TG_TOKEN')).toBe('tg-value');
    expect(await p.get('acme', 'tg', 'UNSET_VAR')).toBeUndefined();
    expect(await p.get('acme', 'tg', 'EMPTY')).toBe('');
    expect(p.set).toBeUndefined();
  });

  it('does not read inherited properties', async () => {
    const p = createEnvSecretsProvider({ env });
    expect(await p.get('acme', 'x', 'toString')).toBeUndefined();
  });

  it('refuses missing or malformed keys and the control plane own CLAWPLANE_* settings', async () => {
    const p = createEnvSecretsProvider({ env });
    await expect(p.get('acme', 'tg')).rejects.toMatchObject({ code: 'invalid-reference' });
    await expect(p.get('acme', 'tg', 'A-B')).rejects.toMatchObject({ code: 'invalid-reference' });
    await expect(p.get('acme', 'tg', 'CLAWPLANE_SECRETS_KEY')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(p.get('acme', 'tg', 'clawplane_db')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('applies allowKeys', async () => {
    const p = createEnvSecretsProvider({ env, allowKeys: /^TG_/g });
    expect(await p.get('acme', 'tg', 'TG_TOKEN')).toBe('tg-value');
    expect(await p.get('acme', 'tg', 'TG_TOKEN')).toBe('tg-value'); // a /g flag must not make it stateful
    await expect(p.get('acme', 'o', 'OTHER')).rejects.toMatchObject({ code: 'forbidden' });
  });
});
