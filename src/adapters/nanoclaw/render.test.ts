import { describe, expect, it } from 'vitest';
import { buildEffectiveGateways } from '../../core/effective-gateway.ts';
import { renderNanoClaw } from './render.ts';

describe('renderNanoClaw (partial)', () => {
  it('renders .env and one group folder per agent, never secret values', () => {
    const [g] = buildEffectiveGateways([
      { kind: 'Organization', metadata: { name: 'acme' }, spec: { displayName: 'Acme' } },
      { kind: 'Gateway', metadata: { name: 'nc', org: 'acme' }, spec: { runtime: { kind: 'nanoclaw' }, exposure: 'loopback', profile: 'usecase', env: { ANTHROPIC_API_KEY: { secretRef: 'anthropic' } } } },
      { kind: 'Agent', metadata: { name: 'andy', org: 'acme', gateway: 'nc' }, spec: { kind: 'usecase', displayName: 'Andy', purpose: 'Helps the team' } },
      { kind: 'ChannelAccount', metadata: { name: 'tg', org: 'acme', gateway: 'nc' }, spec: { channel: 'telegram', accountId: 'bot', agent: 'andy' } },
    ], { stateDirFor: () => '/srv/nc', defaultRuntimeVersion: '2.4.0' });
    const r = renderNanoClaw(g!);
    expect(r.files['.env']).toContain('ASSISTANT_NAME=Andy');
    expect(r.files['.env']).not.toContain('anthropic');
    expect(r.files['groups/andy/CLAUDE.md']).toContain('Helps the team');
    expect(r.env).toEqual([{ name: 'ANTHROPIC_API_KEY', secret: 'anthropic', field: '' }]);
    expect(r.issues.map((i) => i.code)).toEqual(['nanoclaw_channel_manual']);
  });
});
