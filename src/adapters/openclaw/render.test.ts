import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFleet } from '../../core/fleet-file.ts';
import type { EffectiveGateway } from '../../core/model.ts';
import { planFleet } from '../../core/plan-fleet.ts';
import { credentialEnvName, findPlaintextSecrets, renderOpenClawConfig } from './render.ts';
import { createOpenClawSchemaValidator } from './schema-validate.ts';

const root = new URL('../../../', import.meta.url);
const goldenDir = new URL('test/fixtures/golden/openclaw/', root);
const example = readFileSync(new URL('examples/fleet.yaml', root), 'utf8');
const opts = { stateDirFor: ({ org, name }: { org: string; name: string }) => `/srv/clawplane/${org}/${name}/state`, defaultRuntimeVersion: '2026.9.6' };

function effective(text = example): EffectiveGateway[] {
  const parsed = parseFleet(text, 'fleet.yaml');
  expect(parsed.issues).toEqual([]);
  return planFleet(parsed.documents, opts).gateways.map((g) => g.effective);
}

describe('renderOpenClawConfig', () => {
  it('matches the golden files for examples/fleet.yaml', () => {
    for (const g of effective()) {
      const r = renderOpenClawConfig(g);
      expect(r.issues).toEqual([]);
      const file = new URL(`${g.name}.openclaw.json`, goldenDir);
      const envFile = new URL(`${g.name}.env.json`, goldenDir);
      const env = `${JSON.stringify(r.env, null, 2)}\n`;
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
        mkdirSync(goldenDir, { recursive: true });
        writeFileSync(file, r.files['openclaw.json'] ?? '');
        writeFileSync(envFile, env);
      }
      expect(r.files['openclaw.json']).toBe(readFileSync(file, 'utf8'));
      expect(env).toBe(readFileSync(envFile, 'utf8'));
    }
  });

  it('never renders credential values, only SecretRefs, and traces every leaf', () => {
    const [alice, support] = effective();
    const r = renderOpenClawConfig(support as EffectiveGateway);
    const tg = (r.config.channels as { telegram: { accounts: Record<string, { botToken: unknown }> } }).telegram;
    expect(tg.accounts.supportbot?.botToken).toEqual({ source: 'env', provider: 'default', id: 'TELEGRAM_SUPPORTBOT_BOT_TOKEN' });
    expect(r.env.map((e) => e.name)).toEqual(['OPENCLAW_GATEWAY_TOKEN', 'TELEGRAM_SUPPORTBOT_BOT_TOKEN', 'TELEGRAM_TRIAGEBOT_BOT_TOKEN']);
    expect(r.provenance['agents.entries.helpdesk.identity.name']).toBe('ConfigTemplate/helpdesk-tuning');
    expect(r.provenance['agents.defaults.timeoutSeconds']).toBe('ConfigTemplate/acme-defaults (agent-defaults.json5)');
    expect(r.provenance['gateway.port']).toBe('clawplane:render');
    const a = renderOpenClawConfig(alice as EffectiveGateway);
    expect((a.config.agents as { ownership?: string }).ownership).toBeUndefined();
    expect((r.config.agents as { ownership?: string; defaults: { heartbeat: { agentId: string } } }).ownership).toBe('explicit');
  });

  it('refuses a template that writes a literal credential or widens the bind', () => {
    const g = effective()[1] as EffectiveGateway;
    g.layers.push({ source: 'ConfigTemplate/bad', scope: 'gateway', content: '{ gateway: { bind: "lan" }, channels: { telegram: { accounts: { supportbot: { botToken: "123:abc" } } } } }' });
    const codes = renderOpenClawConfig(g).issues.map((i) => `${i.code} ${i.resource}`);
    expect(codes).toContain('plaintext_secret ConfigTemplate/bad');
    expect(codes).toContain('exposure_override ConfigTemplate/bad');
    expect(findPlaintextSecrets({ a: { token: '${OK_VAR}' } })).toEqual([]);
    expect(credentialEnvName('telegram', 'support-bot', 'botToken')).toBe('TELEGRAM_SUPPORT_BOT_BOT_TOKEN');
  });
});

describe('policy in the rendered config', () => {
  it('writes modelPolicy.allow, plugin deny and explicit wildcard bindings', () => {
    const extra = `
---
apiVersion: clawplane.dev/v1alpha1
kind: Policy
metadata: { name: support-models }
spec:
  scope: { kind: group, name: support }
  models: { allow: ["anthropic/*"] }
  plugins: { deny: [browser] }
---
apiVersion: clawplane.dev/v1alpha1
kind: Binding
metadata: { name: slack-all, gateway: support-gw }
spec:
  agent: helpdesk
  match: { channel: telegram, accountId: "*" }
`;
    const parsed = parseFleet(example + extra, 'fleet.yaml');
    expect(parsed.issues).toEqual([]);
    const plan = planFleet(parsed.documents, { ...opts, render: renderOpenClawConfig });
    expect(plan.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(plan.ok).toBe(true);
    const support = plan.gateways[1];
    const cfg = JSON.parse(support?.rendered?.files['openclaw.json'] ?? '{}') as {
      agents: { entries: Record<string, { modelPolicy?: { allow: string[] } }> }; plugins?: { deny?: string[] }; bindings: { match: { accountId: string } }[];
    };
    expect(cfg.agents.entries.helpdesk?.modelPolicy?.allow).toEqual(['anthropic/claude-sonnet-4-6', 'anthropic/*']);
    expect(cfg.plugins?.deny).toEqual(['browser']);
    expect(cfg.bindings.map((b) => b.match.accountId)).toContain('*');
    expect(support?.routing.some((r) => r.accountId === '*' && r.source === 'Binding/slack-all')).toBe(true);
  });
});

describe('schema validation against the pinned OpenClaw schema', () => {
  const validator = createOpenClawSchemaValidator(new URL('schemas/', root).pathname);
  it('accepts the rendered example configs and rejects unknown keys and the legacy roster', () => {
    for (const g of effective()) expect(validator.validate(renderOpenClawConfig(g).config, '2026.9.6')).toEqual([]);
    const bogus = validator.validate({ gateway: { mode: 'local', bogus: 1 } }, '2026.9.6');
    expect(bogus[0]).toMatchObject({ code: 'openclaw_schema', path: 'gateway' });
    expect(bogus[0]?.message).toContain('"bogus"');
    expect(validator.validate({ agents: { list: [] } }, '2026.9.6')[0]?.message).toContain('"list"');
    expect(validator.validate({}, '1999.1.1')[0]?.code).toBe('schema_unavailable');
  }, 60_000);
});
