// NanoClaw (partial): NanoClaw has no config schema; it is configured by `.env` plus one folder per
// group (`groups/<group>/CLAUDE.md` holds the agent's memory/instructions). We render the `.env`
// (names only for secrets: values arrive through the process environment) and one group folder
// per agent. Channels are added inside NanoClaw by its own skills, so accounts are reported, not rendered.
import type { Issue } from '../../core/issues.ts';
import type { EffectiveGateway } from '../../core/model.ts';
import type { RenderedGateway } from '../../core/ports/claw-adapter.ts';

function envLine(key: string, value: string): string {
  return `${key}=${/^[A-Za-z0-9_./:@-]*$/.test(value) ? value : JSON.stringify(value)}`;
}

export function renderNanoClaw(g: EffectiveGateway): RenderedGateway {
  const issues: Issue[] = [];
  const env: RenderedGateway['env'] = [];
  const first = g.agents[0];
  const lines = [
    '# Rendered by Clawplane. Secret values are not written here: they come from the process environment.',
    envLine('ASSISTANT_NAME', first?.spec.displayName ?? first?.agentId ?? g.name),
    envLine('TZ', 'UTC'),
  ];
  if (g.target.image) lines.push(envLine('CONTAINER_IMAGE', g.target.image));
  for (const [name, ref] of Object.entries(g.spec.env ?? {})) env.push({ name, secret: ref.secretRef, field: '' });
  const files: Record<string, string> = { '.env': `${lines.join('\n')}\n` };
  for (const a of g.agents) {
    const memory = a.spec.personality?.agents ?? a.spec.purpose ?? '';
    files[`groups/${a.agentId}/CLAUDE.md`] = `# ${a.spec.displayName ?? a.agentId}\n\n${memory}\n`;
  }
  for (const acc of g.accounts) {
    issues.push({ code: 'nanoclaw_channel_manual', severity: 'warning', resource: `ChannelAccount/${acc.name}`, path: 'spec.channel', message: `NanoClaw adds channels through its own skills (/add-${acc.spec.channel}); the account is not rendered`, hint: 'run the NanoClaw channel skill on the host' });
  }
  if (g.layers.length > 0) {
    issues.push({ code: 'nanoclaw_templates_ignored', severity: 'warning', resource: `Gateway/${g.name}`, path: 'layers', message: 'ConfigTemplates do not apply to NanoClaw (no config file)', hint: 'scope templates to OpenClaw gateways' });
  }
  return { files, env, issues };
}
