// The dashboard against one real OpenClaw gateway (process runtime) in Debian Chromium: the
// gateway detail with a real revision, endpoint and log lines; a runtime-version rollout (high
// risk: awaiting approval, so the gateway is never touched) whose row turns Paused live when the
// CLI pauses it; Approve shown to the org admin only; abort from the UI.
// CLAWPLANE_DASHBOARD_SCREENSHOT=path saves a screenshot of the gateway detail page.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBrowser, CHROMIUM, launchBrowser } from '../helpers/browser.ts';
import { type ServerProcess, freePort, runCli, startServerProcess } from '../helpers/cli.ts';
import { RUNTIMES_DIR, gatewayView, killTree, processesWithStateDir, waitFor } from '../helpers/e2e.ts';

const ADMIN_PASSWORD = 'Harbor-Quartz-Meadow-71';
const OP_PASSWORD = 'Lantern-Cobalt-Fjord-26';
interface Doc { document: { body: { dataset: Record<string, string | undefined> }; querySelector(s: string): { dataset: Record<string, string | undefined>; textContent: string } | null } }

describe.skipIf(!existsSync(CHROMIUM))('dashboard with a real gateway: detail, live rollout row, role-gated approve', () => {
  let dir: string;
  let server: ServerProcess;
  let browser: TestBrowser;
  let page: Page;
  let base: string;
  let env: NodeJS.ProcessEnv;
  const view = gatewayView(() => server, () => dir, 'dash', 'web-gw');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawplane-dash-e2e-'));
    const port = await freePort();
    base = `http://localhost:${port}`;
    server = await startServerProcess(dir, { port, env: { CLAWPLANE_RUNTIMES_DIR: RUNTIMES_DIR, CLAWPLANE_PUBLIC_URL: base } });
    env = { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: server.token };
    const gwPort = await freePort();
    await writeFile(join(dir, 'fleet.yaml'), `apiVersion: clawplane.dev/v1alpha1
kind: Organization
metadata: { name: dash }
spec: { displayName: Dashboard, defaults: { runtime: { kind: openclaw, version: "2026.9.6" } } }
---
kind: Gateway
metadata: { name: web-gw, labels: { tier: web } }
spec: { profile: usecase, port: ${gwPort} }
---
kind: Agent
metadata: { name: concierge, gateway: web-gw }
spec: { kind: usecase, purpose: Greets visitors, model: anthropic/claude-sonnet-4-6 }
`);
    const applied = await runCli(['apply', '-f', join(dir, 'fleet.yaml')], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect((await runCli(['user', 'passwd'], env, `${ADMIN_PASSWORD}\n`)).code).toBe(0);
    expect((await runCli(['user', 'add', 'otto', '--role', 'operator', '--org', 'dash'], env, `${OP_PASSWORD}\n`)).code).toBe(0);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await waitFor('web-gw ready on revision 1', 120_000, view.ready((g) => g.status?.revision === 1));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop('SIGKILL');
    if (dir) {
      killTree(await processesWithStateDir(join(dir, 'gateways', 'dash--web-gw', 'state')));
      await rm(dir, { recursive: true, force: true });
    }
  });

  const readyState = (s: string): Promise<unknown> => page.waitForFunction((x) => (globalThis as unknown as Doc).document.body.dataset.ready === x, s, { timeout: 20_000 });
  async function signIn(user: string, password: string, hash: string): Promise<void> {
    await browser.context.clearCookies();
    await page.goto(`${base}/ui/`);
    await readyState('login');
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', password);
    await page.click('#login-submit');
    await readyState('overview');
    await page.goto(`${base}/ui/${hash}`);
  }
  const phaseOf = (name: string): Promise<unknown> => page.evaluate((n) => (globalThis as unknown as Doc).document.querySelector(`#rollout-table tr[data-rollout="${n}"]`)?.dataset.phase, name);

  it('shows the gateway detail of a running gateway: status, endpoint, revision history, config, logs, agents', async () => {
    await signIn('admin', ADMIN_PASSWORD, '#/gateways/web-gw');
    await readyState('gateway');
    await page.waitForSelector('#conn[data-state="live"]');
    const summary = Object.fromEntries(await page.$$eval('#gw-summary dt', (dts) => dts.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? ''])));
    expect(summary).toMatchObject({ Status: 'running', Ready: 'True', 'Runtime version': '2026.9.6', Revision: '1', Endpoint: expect.stringMatching(/^127\.0\.0\.1:\d+ \(loopback\)$/) });
    expect(await page.$$eval('#gw-revisions tbody tr td:first-child', (tds) => tds.map((t) => t.textContent))).toEqual(['1']);
    expect(await page.textContent('#gw-config')).toContain('"mode": "token"');
    await page.waitForFunction(() => ((globalThis as unknown as Doc).document.querySelector('#gw-logs')?.textContent ?? '').length > 0, undefined, { timeout: 10_000 });
    expect(await page.$$eval('#gw-agents tbody td:first-child', (tds) => tds.map((t) => t.textContent))).toEqual(['concierge']);
    expect(await page.isVisible('#gw-actions button[data-action="restart"]')).toBe(true);
    const shot = process.env.CLAWPLANE_DASHBOARD_SCREENSHOT;
    if (shot) {
      await page.setViewportSize({ width: 1100, height: 1300 });
      await page.screenshot({ path: shot, fullPage: false });
    }
  }, 60_000);

  it('a rollout row turns Paused live when the CLI pauses it; approve is for org admins only; abort from the UI', async () => {
    const started = await runCli(['rollout', 'start', 'to-955', '--runtime-version', '2026.9.5', '-l', 'tier=web', '--doctor', 'off'], env);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain('AwaitingApproval');
    await page.goto(`${base}/ui/#/rollouts`);
    await readyState('rollouts');
    await page.waitForSelector('#conn[data-state="live"]');
    expect(await phaseOf('to-955')).toBe('AwaitingApproval');
    expect(await page.isVisible('#rollout-table button[data-verb="approve"]')).toBe(true);
    expect(await page.textContent('#rollout-table tr[data-rollout="to-955"] ul.progress')).toMatch(/web-gw: wave 1, pending/);
    await page.evaluate(() => ((globalThis as unknown as { __marker: string }).__marker = 'same page'));
    const paused = await runCli(['rollout', 'pause', 'to-955'], env);
    expect(paused.code, paused.stderr).toBe(0);
    await page.waitForFunction(() => (globalThis as unknown as Doc).document.querySelector('#rollout-table tr[data-rollout="to-955"]')?.dataset.phase === 'Paused', undefined, { timeout: 10_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { __marker?: string }).__marker)).toBe('same page');
    expect(await page.isVisible('#rollout-table button[data-verb="resume"]')).toBe(true);
    // An operator can resume/abort but is not shown Approve.
    await signIn('otto', OP_PASSWORD, '#/rollouts');
    await readyState('rollouts');
    expect(await page.isVisible('#rollout-table button[data-verb="resume"]')).toBe(true);
    await page.click('#rollout-table button[data-verb="resume"]');
    await page.waitForFunction(() => (globalThis as unknown as Doc).document.querySelector('#rollout-table tr[data-rollout="to-955"]')?.dataset.phase === 'AwaitingApproval', undefined, { timeout: 10_000 });
    expect(await page.$$eval('#rollout-table button[data-verb="approve"]', (bs) => bs.length)).toBe(0);
    await page.click('#rollout-table button[data-verb="abort"]');
    await page.click('#confirm-yes');
    await page.waitForFunction(() => ['Aborted', 'RollingBack'].includes((globalThis as unknown as Doc).document.querySelector('#rollout-table tr[data-rollout="to-955"]')?.dataset.phase ?? ''), undefined, { timeout: 20_000 });
    const audit = JSON.parse((await runCli(['audit', 'list', '--org', 'dash', '--limit', '1000', '-o', 'json'], env)).stdout) as { action: string; actor: string }[];
    expect(audit.map((e) => `${e.action} ${e.actor}`)).toEqual(expect.arrayContaining(['rollout.pause admin', 'rollout.resume otto', 'rollout.abort otto']));
    // the gateway was never touched
    expect((await view.get()).status?.revision).toBe(1);
  }, 90_000);
});
