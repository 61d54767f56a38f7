// Offline verbs end to end on the example fleet (compiles the OpenClaw schema: a few seconds).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerOfflineCommands } from '../../src/cli/offline/commands.ts';

const repo = new URL('../../', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'clawplane-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const program = new Command('clawplane').exitOverride();
  registerOfflineCommands(program, { out: (s) => { out += s; }, err: (s) => { err += s; } });
  const before = process.exitCode;
  process.exitCode = 0;
  await program.parseAsync(['node', 'clawplane', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = before;
  return { out, err, code };
}

describe('offline CLI verbs', () => {
  it('render writes openclaw.json and an env manifest of names only; plan -o json; lint', async () => {
    const outDir = join(tmp, 'out');
    const r = await run(['render', '-f', join(repo, 'examples/fleet.yaml'), '--out', outDir, '--state-root', join(tmp, 'state')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const cfg = JSON.parse(readFileSync(join(outDir, 'support-gw', 'openclaw.json'), 'utf8')) as { gateway: { port: number } };
    expect(cfg.gateway.port).toBe(19000);
    const env = JSON.parse(readFileSync(join(outDir, 'support-gw', 'env.json'), 'utf8')) as { env: { name: string; secret: string }[] };
    expect(env.env.map((e) => e.name)).toContain('TELEGRAM_SUPPORTBOT_BOT_TOKEN');

    const p = await run(['plan', '-f', join(repo, 'examples/fleet.yaml'), '-o', 'json']);
    expect(p.code).toBe(0);
    const plan = JSON.parse(p.out) as { ok: boolean; gateways: { gateway: string; routing: unknown[]; policy: unknown; provenance: Record<string, string> }[] };
    expect(plan.ok).toBe(true);
    expect(plan.gateways[1]?.routing).toHaveLength(3);
    expect(plan.gateways[1]?.provenance['agents.entries.helpdesk.identity.name']).toBe('ConfigTemplate/helpdesk-tuning');

    const l = await run(['lint', '-f', join(repo, 'examples/fleet.yaml')]);
    expect(l.out).toContain('0 error(s)');
  }, 60_000);

  it('plan exits 1 and names the offender when the fleet breaks a rule', async () => {
    const bad = readFileSync(join(repo, 'examples/fleet.yaml'), 'utf8').replace('port: 19000', 'port: 18850');
    const file = join(tmp, 'bad.yaml');
    writeFileSync(file, bad);
    const r = await run(['plan', '-f', file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('Gateway/support-gw spec.port');
    expect(r.err).toContain('[port_overlap]');
  }, 60_000);
});

