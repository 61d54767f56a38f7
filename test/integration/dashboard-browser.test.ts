// The dashboard in a real browser (Debian Chromium via playwright-core) against a real
// `clawplane serve` and a real OpenID Connect provider (oidc-provider): password login → overview,
// CLI user and token management, a cross-site form POST refused, CSRF without the header refused,
// rate-limited wrong passwords, SSO login with the role from the group claim, logout.
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBrowser, CHROMIUM, launchBrowser } from '../helpers/browser.ts';
import { type ServerProcess, freePort, runCli, startServerProcess } from '../helpers/cli.ts';
import { scanForSecret } from '../helpers/leak-scan.ts';
import { type TestIdp, startTestIdp } from '../helpers/oidc-idp.ts';

const fleetFile = join(import.meta.dirname, '..', 'fixtures', 'small-fleet.yaml');
/** The bits of the DOM the test reads inside the page (the project compiles without lib "dom"). */
interface BrowserGlobals { document: { cookie: string; body: { dataset: Record<string, string | undefined> } } }
const ANN_PASSWORD = 'Violet-Harbor-Lantern-42';
const ADMIN_PASSWORD = 'Granite-Meadow-Compass-17';

describe.skipIf(!existsSync(CHROMIUM))('dashboard in Chromium: password and SSO login, CSRF, rate limiting', () => {
  let dataDir: string;
  let server: ServerProcess;
  let idp: TestIdp;
  let browser: TestBrowser;
  let attacker: Server;
  let attackerPort: number;
  let base: string;
  let page: Page;
  const cli = (args: string[], input?: string) => runCli(args, { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: server.token }, input);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clawplane-dashboard-'));
    const [cpPort, idpPort] = [await freePort(), await freePort()];
    base = `http://localhost:${cpPort}`;
    idp = await startTestIdp({ port: idpPort, redirectUri: `${base}/v1/auth/oidc/callback`, groups: { sam: ['acme-viewers', 'unrelated'], aria: ['acme-auditors'], nobody: ['strangers'] } });
    server = await startServerProcess(dataDir, {
      port: cpPort, reconcile: false,
      env: {
        CLAWPLANE_PUBLIC_URL: base, CLAWPLANE_OIDC_ISSUER: idp.issuer, CLAWPLANE_OIDC_CLIENT_ID: idp.clientId, CLAWPLANE_OIDC_CLIENT_SECRET: idp.clientSecret,
        CLAWPLANE_OIDC_ROLE_MAP: 'acme-viewers=acme:viewer,acme-auditors=acme:auditor', CLAWPLANE_OIDC_ALLOW_HTTP: '1', CLAWPLANE_LOG_LEVEL: 'debug',
      },
    });
    attackerPort = await freePort();
    attacker = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<!doctype html><form id="f" method="post" action="${base}/v1/auth/logout" enctype="text/plain"><input name="x" value="y"></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((r) => attacker.listen(attackerPort, '127.0.0.1', r));
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await idp?.close();
    await new Promise<void>((r) => (attacker ? attacker.close(() => r()) : r()));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function readyState(state: string): Promise<void> {
    // A function, not a string: the dashboard's CSP forbids eval.
    await page.waitForFunction((s) => (globalThis as unknown as BrowserGlobals).document.body.dataset.ready === s, state, { timeout: 20_000 });
  }

  it('manages users and tokens through the real CLI (passwords from stdin only)', async () => {
    expect((await cli(['apply', '-f', fleetFile])).code).toBe(0);
    const weak = await cli(['user', 'add', 'ann', '--role', 'operator', '--org', 'acme'], 'short\n');
    expect(weak.code).not.toBe(0);
    expect(weak.stderr).toMatch(/too short/);
    const add = await cli(['user', 'add', 'ann', '--role', 'operator', '--org', 'acme'], `${ANN_PASSWORD}\n`);
    expect(add.stdout).toMatch(/user ann added to acme as operator/);
    expect((await cli(['user', 'add', 'vic', '--role', 'viewer', '--org', 'acme', '--no-password'])).code).toBe(0);
    const list = await cli(['user', 'list', '--org', 'acme']);
    expect(list.stdout).toMatch(/ann\s+operator\s+yes\s+no/);
    expect(list.stdout).toMatch(/vic\s+viewer\s+no\s+no/);
    expect((await cli(['user', 'role', 'vic', '--role', 'auditor', '--org', 'acme'])).stdout).toMatch(/vic is auditor in acme/);
    const created = await cli(['token', 'create', '--scope', 'read', '--expires', '1h', '--org', 'acme', '--description', 'ci reader']);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^cpt_/);
    const id = /token (\S+) for admin, scopes read, expires/.exec(created.stderr)?.[1];
    expect(id).toBeTruthy();
    const asReader = await runCli(['get', 'gateways', '--org', 'acme', '-o', 'name'], { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: token });
    expect(asReader.stdout).toMatch(/ops-gw/);
    const denied = await runCli(['stop', 'gateway/ops-gw', '--org', 'acme'], { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: token });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/scope/);
    const tokens = await cli(['token', 'list']);
    expect(tokens.stdout).toContain(id!);
    expect(tokens.stdout).not.toContain(token);
    expect((await cli(['token', 'revoke', id!])).stdout).toMatch(/revoked/);
    const revoked = await runCli(['whoami'], { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: token });
    expect(revoked.code).not.toBe(0);
    expect((await cli(['user', 'remove', 'vic', '--org', 'acme'])).stdout).toMatch(/removed from acme and deleted/);
    // the bootstrap admin gives itself a password (one stdin line: it has none yet) and can sign in
    expect((await cli(['user', 'passwd'], `${ADMIN_PASSWORD}\n`)).stdout).toMatch(/password of admin changed/);
    const signIn = await fetch(`${server.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get('set-cookie')).toMatch(/^clawplane_session=[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/);
    // changing it again needs the current one
    const wrong = await cli(['user', 'passwd'], `not-the-current-one\n${ADMIN_PASSWORD}-2\n`);
    expect(wrong.stderr).toMatch(/current password is wrong/);
  }, 180_000);

  it('password login shows the fleet overview', async () => {
    await page.goto(`${base}/ui/`);
    await readyState('login');
    const headers = (await page.request.get(`${base}/ui/`)).headers();
    expect(headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(await page.isVisible('#sso')).toBe(true);
    await page.fill('input[name=username]', 'ann');
    await page.fill('input[name=password]', ANN_PASSWORD);
    await page.click('#login-submit');
    await readyState('overview');
    expect(await page.textContent('#who')).toBe('ann (operator in acme)');
    await page.waitForSelector('#gateways tbody tr');
    const gateways = await page.$$eval('#gateways tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(gateways.map((g) => g[0]).sort()).toEqual(['ops-gw', 'support-gw']);
    expect(gateways[0]![1]).toBe('pending'); // no reconciler in this test: status not yet observed
    expect(await page.$$eval('#agents tbody td:first-child', (tds) => tds.map((t) => t.textContent))).toEqual(['helpdesk']);
    const actions = await page.$$eval('#audit tbody td:nth-child(4)', (tds) => tds.map((t) => t.textContent));
    expect(actions).toEqual(expect.arrayContaining(['auth.login', 'user.create', 'resource.create']));
    const cookies = await browser.context.cookies(base);
    const session = cookies.find((c) => c.name === 'clawplane_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.cookie)).not.toContain('clawplane_session'); // HttpOnly
  }, 180_000);

  it('refuses a cross-site form POST and a same-origin POST without the CSRF token', async () => {
    const other = await browser.context.newPage();
    await other.goto(`http://127.0.0.1:${attackerPort}/`);
    await other.waitForURL(`${base}/v1/auth/logout`);
    const body = await other.textContent('body');
    expect(body).toMatch(/"code":"(unauthenticated|forbidden)"/);
    await other.close();
    const noToken = await page.evaluate(async () => (await fetch('/v1/auth/logout', { method: 'POST' })).status);
    expect(noToken).toBe(403);
    const write = await page.evaluate(async () => {
      const r = await fetch('/v1/orgs/acme/gateways/ops-gw/stop', { method: 'POST' });
      return { status: r.status, body: await r.text() };
    });
    expect(write.status).toBe(403);
    expect(write.body).toMatch(/CSRF/);
    // the session survived both attempts
    expect(await page.evaluate(async () => (await fetch('/v1/auth/session')).status)).toBe(200);
  });

  it('signs out, then rate-limits wrong passwords', async () => {
    await page.click('#logout');
    await readyState('login');
    expect(await page.evaluate(async () => (await fetch('/v1/auth/session')).status)).toBe(401);
    const messages: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.fill('input[name=username]', 'ann');
      await page.fill('input[name=password]', `Wrong-Password-${i}-x`);
      await page.click('#login-submit');
      await readyState('login');
      messages.push((await page.textContent('#login-error')) ?? '');
    }
    expect(messages.slice(0, 5)).toEqual(Array(5).fill('invalid user name or password'));
    expect(messages[5]).toMatch(/too many failed logins; try again in 30 s/);
    await page.fill('input[name=password]', ANN_PASSWORD);
    await page.click('#login-submit');
    await readyState('login');
    expect(await page.textContent('#login-error')).toMatch(/too many failed logins/);
    const audit = JSON.parse((await cli(['audit', 'list', '--org', 'acme', '--limit', '1000', '-o', 'json'])).stdout) as { action: string; diff: unknown }[];
    expect(audit.filter((e) => e.action === 'auth.lockout')).toHaveLength(1);
  }, 180_000);

  it('signs in with SSO through the real OIDC provider; the group claim decides the role', async () => {
    await browser.context.clearCookies();
    await page.goto(`${base}/ui/`);
    await readyState('login');
    await page.click('#sso-link');
    await page.waitForURL((u) => u.href.startsWith(idp.issuer), { waitUntil: 'domcontentloaded' });
    await page.fill('input[name=login]', 'sam');
    await page.fill('input[name=password]', 'any-password-the-dev-idp-ignores');
    await page.click('button[type=submit]');
    await page.waitForSelector('button.login-submit', { timeout: 20_000 }); // consent
    await page.click('button.login-submit');
    await page.waitForURL(`${base}/ui/`, { timeout: 20_000 });
    await readyState('overview');
    expect(await page.textContent('#who')).toBe('sam (viewer in acme)');
    await page.waitForSelector('#gateways tbody tr');
    expect(await page.$$eval('#gateways tbody tr', (rows) => rows.length)).toBe(2);
    const audit = JSON.parse((await cli(['audit', 'list', '--org', 'acme', '--limit', '1000', '-o', 'json'])).stdout) as { action: string; target: string; actor: string; diff: Record<string, unknown> }[];
    expect(audit.find((e) => e.action === 'user.provision' && e.target === 'User/sam')).toMatchObject({ actor: `sso:${idp.issuer}`, diff: { method: 'oidc' } });
    expect(audit.find((e) => e.action === 'role.change' && e.target === 'User/sam')?.diff).toMatchObject({ from: null, to: 'viewer', source: 'sso group claims' });
    expect(audit.find((e) => e.action === 'auth.login' && e.target === 'User/sam')?.diff).toMatchObject({ method: 'oidc' });
    const users = await cli(['user', 'list', '--org', 'acme']);
    expect(users.stdout).toMatch(/sam\s+viewer\s+no\s+yes/);
  }, 180_000);

  it('an SSO auditor sees audit events but not the fleet; unmapped groups are refused', async () => {
    await page.click('#logout');
    await readyState('login');
    await browser.context.clearCookies();
    await page.click('#sso-link');
    await page.waitForURL((u) => u.href.startsWith(idp.issuer), { waitUntil: 'domcontentloaded' });
    await page.fill('input[name=login]', 'aria');
    await page.fill('input[name=password]', 'whatever');
    await page.click('button[type=submit]');
    await page.waitForSelector('button.login-submit', { timeout: 20_000 });
    await page.click('button.login-submit');
    await page.waitForURL(`${base}/ui/`, { timeout: 20_000 });
    await readyState('overview');
    expect(await page.textContent('#who')).toBe('aria (auditor in acme)');
    expect(await page.textContent('#gateways-note')).toBe('Your role cannot see this.');
    expect(await page.$$eval('#audit tbody tr', (rows) => rows.length)).toBeGreaterThan(3);
    await page.click('#logout');
    await readyState('login');
    await browser.context.clearCookies();
    await page.click('#sso-link');
    await page.waitForURL((u) => u.href.startsWith(idp.issuer), { waitUntil: 'domcontentloaded' });
    await page.fill('input[name=login]', 'nobody');
    await page.fill('input[name=password]', 'whatever');
    await page.click('button[type=submit]');
    await page.waitForSelector('button.login-submit', { timeout: 20_000 });
    await page.click('button.login-submit');
    await page.waitForURL((u) => u.pathname === '/v1/auth/oidc/callback', { timeout: 20_000 });
    expect(await page.textContent('body')).toMatch(/do not map to any role/);
    expect((await cli(['user', 'list', '--org', 'acme'])).stdout).not.toMatch(/nobody/);
  }, 180_000);

  it('keeps passwords, session ids, tokens and the IdP client secret out of the data dir and log', async () => {
    const log = server.logs();
    expect(log).toMatch(/"path":"\/v1\/auth\/login"/);
    const logFile = join(dataDir, 'captured-server.log');
    await import('node:fs/promises').then((fs) => fs.writeFile(logFile, log));
    for (const secret of [ANN_PASSWORD, ADMIN_PASSWORD, idp.clientSecret, server.token]) {
      expect(await scanForSecret([dataDir], secret), 'plain-text secret').toEqual([]);
    }
    const cookies = await browser.context.cookies(base);
    for (const c of cookies) expect(await scanForSecret([dataDir], c.value)).toEqual([]);
    expect(await readFile(logFile, 'utf8')).not.toContain('clawplane_session=');
  });
});

// The operator views (ADR 0017): gateway detail, lifecycle actions by role, live updates over the
// event stream, hostile strings rendered as text. No reconciler here (no gateway runs): the
// restart is checked through the API result and the audit chain (the CLI reads it).
const HOSTILE = '<img src=x onerror="globalThis.__xss=1">';
const OPS_FLEET = `apiVersion: clawplane.dev/v1alpha1
kind: Organization
metadata: { name: acme }
spec: { displayName: Acme, defaults: { runtime: { kind: openclaw, version: "2026.9.6" }, target: { kind: process } } }
---
kind: Secret
metadata: { name: tg-token }
spec: { provider: env, key: TG_TOKEN }
---
kind: Gateway
metadata: { name: ops-gw, labels: { env: dev }, annotations: { note: '${HOSTILE}' } }
spec: { profile: usecase, port: 19000 }
---
kind: Agent
metadata: { name: helper, gateway: ops-gw }
spec: { kind: usecase, purpose: '${HOSTILE}', model: anthropic/claude-sonnet-4-6 }
---
kind: ChannelAccount
metadata: { name: tg, gateway: ops-gw }
spec: { channel: telegram, accountId: helper, agent: helper, credentials: { botToken: { secretRef: tg-token } } }
`;
const OP_PASSWORD = 'Copper-Willow-Beacon-58';
const VIEWER_PASSWORD = 'Saffron-Ridge-Anchor-93';

describe.skipIf(!existsSync(CHROMIUM))('dashboard in Chromium: gateway detail, actions by role, live updates, XSS', () => {
  let dataDir: string;
  let server: ServerProcess;
  let browser: TestBrowser;
  let page: Page;
  let base: string;
  const cli = (args: string[], input?: string) => runCli(args, { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: server.token }, input);
  interface Win { __xss?: number; __marker?: string; document: { querySelectorAll(s: string): { length: number } } }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clawplane-dashboard-ops-'));
    const port = await freePort();
    base = `http://localhost:${port}`;
    server = await startServerProcess(dataDir, { port, reconcile: false, env: { CLAWPLANE_PUBLIC_URL: base } });
    await writeFile(join(dataDir, 'fleet.yaml'), OPS_FLEET);
    const applied = await cli(['apply', '-f', join(dataDir, 'fleet.yaml')]);
    expect(applied.code, applied.stderr).toBe(0);
    expect((await cli(['user', 'add', 'olga', '--role', 'operator', '--org', 'acme'], `${OP_PASSWORD}\n`)).code).toBe(0);
    expect((await cli(['user', 'add', 'vera', '--role', 'viewer', '--org', 'acme'], `${VIEWER_PASSWORD}\n`)).code).toBe(0);
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function readyState(state: string): Promise<void> {
    await page.waitForFunction((s) => (globalThis as unknown as BrowserGlobals).document.body.dataset.ready === s, state, { timeout: 20_000 });
  }
  async function signIn(user: string, password: string): Promise<void> {
    await browser.context.clearCookies();
    await page.goto(`${base}/ui/`);
    await readyState('login');
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', password);
    await page.click('#login-submit');
    await readyState('overview');
  }
  const summary = async (): Promise<Record<string, string>> =>
    Object.fromEntries(await page.$$eval('#gw-summary dt', (dts) => dts.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? ''])));

  it('a viewer sees the gateway detail (status, revisions, rendered config, agents) and no action buttons; the server refuses a restart', async () => {
    await signIn('vera', VIEWER_PASSWORD);
    await page.waitForSelector('#conn[data-state="live"]');
    await page.click('#gateways tbody a:text-is("ops-gw")');
    await readyState('gateway');
    expect(await page.textContent('#gw-title')).toBe('Gateway ops-gw');
    expect(await summary()).toMatchObject({ Status: 'pending', 'Desired state': 'running', 'Runtime version': 'not observed yet', Endpoint: 'port 19000 (loopback)' });
    expect(await page.textContent('#gw-revisions-note')).toMatch(/No revision yet/);
    const config = JSON.parse((await page.textContent('#gw-config')) ?? '{}') as { gateway: { port: number }; channels: { telegram: { accounts: { helper: { botToken: unknown } } } } };
    expect(config.gateway.port).toBe(19000);
    expect(config.channels.telegram.accounts.helper.botToken).toEqual({ source: 'env', provider: 'default', id: expect.any(String) });
    expect(await page.textContent('#gw-logs-note')).toMatch(/No logs: no runtime is attached/);
    expect(await page.$$eval('#gw-agents tbody td:first-child', (tds) => tds.map((t) => t.textContent))).toEqual(['helper']);
    expect(await page.isVisible('#gw-actions')).toBe(false);
    expect(await page.$$eval('#gw-actions button', (bs) => bs.filter((b) => (b as unknown as { offsetParent: unknown }).offsetParent !== null).length)).toBe(0);
    const refused = await page.evaluate(async () => {
      const s = (await (await fetch('/v1/auth/session')).json()) as { csrfToken: string };
      const r = await fetch('/v1/orgs/acme/gateways/ops-gw/restart', { method: 'POST', headers: { 'x-csrf-token': s.csrfToken } });
      return r.status;
    });
    expect(refused).toBe(403);
    await page.goto(`${base}/ui/#/rollouts`);
    await readyState('rollouts');
    expect(await page.textContent('#rollouts-note')).toBe('No rollouts in this organization.');
  }, 180_000);

  it('shows hostile annotation and agent text as text, never markup', async () => {
    await page.goto(`${base}/ui/#/gateways/ops-gw`);
    await readyState('gateway');
    const meta = await page.$$eval('#gw-meta tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(meta).toContainEqual(['annotation', 'note', HOSTILE]);
    expect(await page.$$eval('#gw-agents tbody td:nth-child(3)', (tds) => tds.map((t) => t.textContent))).toEqual([HOSTILE]);
    expect(await page.evaluate(() => (globalThis as unknown as Win).document.querySelectorAll('main img').length)).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.evaluate(() => (globalThis as unknown as Win).__xss)).toBeUndefined();
  });

  it('an operator restarts a gateway after confirming; cancelling does nothing; the audit records gateway.restart', async () => {
    await signIn('olga', OP_PASSWORD);
    await page.goto(`${base}/ui/#/gateways/ops-gw`);
    await readyState('gateway');
    expect(await page.isVisible('#gw-actions button[data-action="restart"]')).toBe(true);
    await page.click('#gw-actions button[data-action="restart"]');
    expect(await page.textContent('#confirm-text')).toBe('Restart gateway ops-gw in acme?');
    await page.click('#confirm-no');
    // The dialog's close event (and so the flash) comes a task after the click.
    await page.waitForSelector('#flash[data-kind="info"]');
    expect(await page.textContent('#flash')).toBe('restart cancelled.');
    await page.click('#gw-actions button[data-action="restart"]');
    await page.click('#confirm-yes');
    await page.waitForFunction(() => /restart of ops-gw/.test((globalThis as unknown as { document: { getElementById(i: string): { textContent: string } } }).document.getElementById('flash').textContent));
    expect(await page.textContent('#flash')).toBe('restart of ops-gw: restarting');
    const audit = JSON.parse((await cli(['audit', 'list', '--org', 'acme', '--limit', '1000', '-o', 'json'])).stdout) as { action: string; actor: string; target: string }[];
    expect(audit.filter((e) => e.action === 'gateway.restart')).toEqual([expect.objectContaining({ actor: 'olga', target: 'Gateway/ops-gw' })]);
  }, 180_000);

  it('updates the open gateway detail live when the CLI changes it (no reload)', async () => {
    await page.waitForSelector('#conn[data-state="live"]');
    await page.evaluate(() => ((globalThis as unknown as Win).__marker = 'same page'));
    const stopped = await cli(['stop', 'gateway/ops-gw', '--org', 'acme']);
    expect(stopped.code, stopped.stderr).toBe(0);
    await page.waitForFunction(() => {
      const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string; nextElementSibling: { textContent: string } }> } }).document;
      return Array.from(d.querySelectorAll('#gw-summary dt')).some((dt) => dt.textContent === 'Desired state' && dt.nextElementSibling.textContent === 'stopped');
    }, undefined, { timeout: 10_000 });
    expect(await page.evaluate(() => (globalThis as unknown as Win).__marker)).toBe('same page');
  }, 30_000);

  it('shows a clear message when the server refuses an action (role lowered while the page was open)', async () => {
    expect((await cli(['user', 'role', 'olga', '--role', 'viewer', '--org', 'acme'])).code).toBe(0);
    // the page still shows the buttons it drew for an operator; the server decides
    await page.click('#gw-actions button[data-action="start"]');
    await page.click('#confirm-yes');
    await page.waitForFunction(() => /Not allowed/.test((globalThis as unknown as { document: { getElementById(i: string): { textContent: string } } }).document.getElementById('flash').textContent));
    expect(await page.textContent('#flash')).toMatch(/^Not allowed to start ops-gw: .+/);
    expect(await page.getAttribute('#flash', 'data-kind')).toBe('error');
    const audit = JSON.parse((await cli(['audit', 'list', '--org', 'acme', '--limit', '1000', '-o', 'json'])).stdout) as { action: string }[];
    expect(audit.filter((e) => e.action === 'gateway.start')).toEqual([]);
  }, 30_000);
});
