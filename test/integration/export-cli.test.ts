// `clawplane export k8s|compose` on the example fleet (renders with the OpenClaw schema: a few
// seconds): files, schema validation, no secret values, safe --out handling, clear errors.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { registerOfflineCommands } from '../../src/cli/offline/commands.ts';
import { createComposeValidator } from '../../src/cli/offline/compose-validate.ts';
import type { KubeObject } from '../../src/core/kubernetes/kube-object.ts';
import { validateKubeObjects } from '../../src/core/kubernetes/validate-manifests.ts';

const repo = new URL('../../', import.meta.url).pathname;
const fleet = join(repo, 'examples/fleet.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'clawplane-export-'));
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

describe('clawplane export', () => {
  it('k8s: writes schema-valid manifests per namespace, no Secret objects, README with the secret recipe', async () => {
    const out = join(tmp, 'k8s');
    const r = await run(['export', 'k8s', '-f', fleet, '--out', out, '--kube-play', '--image', 'localhost/openclaw:2026.9.6', '--image-pull-policy', 'Never']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(readFileSync(join(out, 'clawplane-acme', 'support-gw.yaml'), 'utf8')).map((d) => d.toJS() as KubeObject);
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'Service', 'NetworkPolicy', 'PodDisruptionBudget', 'StatefulSet']);
    expect(validateKubeObjects(docs)).toEqual([]);
    const cfg = JSON.parse((docs[0]!.data as Record<string, string>)['openclaw.json'] ?? '{}') as { agents: { entries: { helpdesk: { workspace: string } } } };
    expect(cfg.agents.entries.helpdesk.workspace).toBe('/home/node/.openclaw/workspaces/helpdesk');
    const play = parseAllDocuments(readFileSync(join(out, 'podman', 'clawplane-acme', 'support-gw.yaml'), 'utf8')).map((d) => d.toJS() as KubeObject);
    expect(play.map((d) => d.kind)).toEqual(['ConfigMap', 'PersistentVolumeClaim', 'Pod']);
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toContain('kubectl -n clawplane-acme create secret generic support-gw-secrets');
    expect(readme).toContain('--from-file=TELEGRAM_SUPPORTBOT_BOT_TOKEN=');
    expect(readme).toContain('podman secret create support-gw-secrets');
  });

  it('compose: writes a project that validates against the Compose specification, values only as ${VAR}', async () => {
    const out = join(tmp, 'compose');
    const r = await run(['export', 'compose', '-f', fleet, '--out', out, '--pull-never']);
    expect(r.code).toBe(0);
    const text = readFileSync(join(out, 'docker-compose.yml'), 'utf8');
    expect(text).toContain('pull_policy: never');
    expect(text).toContain('${SUPPORT_GW__TELEGRAM_SUPPORTBOT_BOT_TOKEN:?');
    expect(readFileSync(join(out, '.env.example'), 'utf8')).toContain('ALICE_GW__OPENCLAW_GATEWAY_TOKEN=\n');
    expect(existsSync(join(out, 'support-gw', 'config', 'openclaw.json'))).toBe(true);
    const validate = createComposeValidator(join(repo, 'schemas'));
    expect(validate(parseAllDocuments(text)[0]!.toJS())).toEqual([]);
    const bad = validate({ services: { gw: { image: 'x', restart_policy: 'always', network_mode: 7 } } });
    expect(bad.map((i) => i.message).join('\n')).toContain('restart_policy');
    expect(bad.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses to write into a foreign non-empty directory without --force, and re-exports in place', async () => {
    const out = join(tmp, 'busy');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const refused = await run(['export', 'k8s', '-f', fleet, '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('is not empty and holds no earlier clawplane export');
    expect(existsSync(join(out, 'README.md'))).toBe(false);
    const forced = await run(['export', 'k8s', '-f', fleet, '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    // same kind again: allowed without --force; a compose export there is not.
    expect((await run(['export', 'k8s', '-f', fleet, '--out', out])).code).toBe(0);
    const other = await run(['export', 'compose', '-f', fleet, '--out', out]);
    expect(other.code).toBe(1);
    expect(other.err).toContain('holds a "k8s" export');
    // stale files of the earlier export go; the user's files stay
    const withPlay = await run(['export', 'k8s', '-f', fleet, '--out', out, '--kube-play']);
    expect(withPlay.code).toBe(0);
    expect(existsSync(join(out, 'podman', 'clawplane-acme', 'alice-gw.yaml'))).toBe(true);
    expect((await run(['export', 'k8s', '-f', fleet, '--out', out])).code).toBe(0);
    expect(existsSync(join(out, 'podman', 'clawplane-acme', 'alice-gw.yaml'))).toBe(false);
    expect(existsSync(join(out, 'notes.txt'))).toBe(true);
  });

  it('never writes through a planted symlink', async () => {
    const out = join(tmp, 'sym');
    expect((await run(['export', 'compose', '-f', fleet, '--out', out])).code).toBe(0);
    const victim = join(tmp, 'victim.txt');
    writeFileSync(victim, 'keep');
    rmSync(join(out, 'README.md'));
    symlinkSync(victim, join(out, 'README.md'));
    const r = await run(['export', 'compose', '-f', fleet, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('is a symlink');
    expect(readFileSync(victim, 'utf8')).toBe('keep');
  });

  it('reports bad input clearly and writes nothing', async () => {
    const badFleet = join(tmp, 'bad.yaml');
    writeFileSync(badFleet, readFileSync(fleet, 'utf8').replace('target: { kind: process }', 'target: { kind: process, namespace: kube-system }'));
    const out = join(tmp, 'never');
    const ns = await run(['export', 'k8s', '-f', badFleet, '--out', out]);
    expect(ns.code).toBe(1);
    expect(ns.err).toContain('namespace "kube-system" is reserved');
    expect(existsSync(out)).toBe(false);
    const policy = await run(['export', 'k8s', '-f', fleet, '--out', out, '--image-pull-policy', 'Sometimes']);
    expect(policy.err).toContain('--image-pull-policy must be IfNotPresent, Never or Always');
    const image = await run(['export', 'compose', '-f', fleet, '--out', out, '--image', 'bad image;rm']);
    expect(image.err).toContain('is not an image reference');
    const missing = await run(['export', 'compose', '-f', join(tmp, 'nope.yaml'), '--out', out]);
    expect(missing.err).toContain('cannot read');
    expect(existsSync(out)).toBe(false);
  });
});
