// Identity and access over the real API and a real store: local users and passwords, login rate
// limiting, cookie sessions with CSRF, scoped and agent-bound tokens, the auditor role, tenant
// isolation of the new routes, audit of every auth event, and a leak scan of everything.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import type { AppDeps } from '../../src/app/app-deps.ts';
import { SYSTEM_ACTOR } from '../../src/app/actor.ts';
import { bootstrapAdmin, createApiToken } from '../../src/app/auth-commands.ts';
import { EventBus } from '../../src/app/event-bus.ts';
import { createApi } from '../../src/api/server.ts';
import type { AuditEvent, Store } from '../../src/core/ports/store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { scanForSecret } from '../helpers/leak-scan.ts';
import { withPostgresDatabase } from '../helpers/postgres.ts';

const fleet = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'small-fleet.yaml'), 'utf8');
const globex = `kind: Organization
metadata: { name: globex }
spec: { displayName: Globex }
`;
const PASSWORDS = { ann: 'Correct-Horse-Battery-7', olga: 'Purple-Staple-Lantern-9', newAnn: 'New-Secret-Phrase-3x' };

describe.each(['sqlite', 'postgres'] as const)('identity and access (%s)', (backend) => {
  let dir: string;
  let pgDb: Awaited<ReturnType<typeof withPostgresDatabase>> | undefined;
  let store: Store;
  let api: Hono;
  let deps: AppDeps;
  let clock = Date.parse('2026-12-04T12:00:00.000Z');
  let adminToken: string;
  const responses: string[] = [];
  const secrets: string[] = [...Object.values(PASSWORDS)];

  async function call(method: string, path: string, o: { token?: string; cookie?: string; csrf?: string; origin?: string; body?: unknown; text?: string } = {}): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.cookie) headers.cookie = o.cookie;
    if (o.csrf) headers['x-csrf-token'] = o.csrf;
    if (o.origin) headers.origin = o.origin;
    let body: string | undefined;
    if (o.text !== undefined) {
      body = o.text;
      headers['content-type'] = 'application/yaml';
    } else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers['content-type'] = 'application/json';
    }
    const res = await api.request(`http://cp.test${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    responses.push(text, [...res.headers.entries()].filter(([k]) => k !== 'set-cookie').map(([k, v]) => `${k}: ${v}`).join('\n'));
    return { status: res.status, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
  }

  async function login(username: string, password: string): Promise<{ status: number; cookie?: string; csrf?: string; setCookie?: string; json: Record<string, unknown>; headers: Headers }> {
    const r = await call('POST', '/v1/auth/login', { body: { username, password } });
    const setCookie = r.headers.get('set-cookie') ?? undefined;
    const m = setCookie ? /clawplane_session=([^;]+)/.exec(setCookie) : null;
    if (m) secrets.push(m[1]!);
    return { ...r, ...(setCookie ? { setCookie } : {}), ...(m ? { cookie: `clawplane_session=${m[1]}` } : {}), ...(typeof r.json.csrfToken === 'string' ? { csrf: r.json.csrfToken } : {}) };
  }

  async function audit(org: string): Promise<AuditEvent[]> {
    return (await call('GET', `/v1/orgs/${org}/audit?limit=1000`, { token: adminToken })).json.items as AuditEvent[];
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawplane-identity-'));
    if (backend === 'postgres') pgDb = await withPostgresDatabase();
    store = await openStore({ dataDir: dir, ...(pgDb ? { url: pgDb.url } : {}) });
    deps = { store, events: new EventBus(), now: () => new Date(clock), newId: () => randomUUID(), identity: { scryptLogN: 12 } };
    adminToken = (await bootstrapAdmin(deps, `cpt_test_${randomUUID()}`)).token!;
    secrets.push(adminToken);
    api = createApi({ deps, version: 'test' }, pino({ level: 'debug' }, pino.destination({ dest: join(dir, 'server.log'), sync: true })));
    expect((await call('POST', '/v1/apply', { token: adminToken, text: fleet })).status).toBe(200);
    expect((await call('POST', '/v1/apply', { token: adminToken, text: globex })).status).toBe(200);
  });
  afterAll(async () => {
    await store?.close();
    await pgDb?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('adds users with a password policy; passwords never come back', async () => {
    const weak = await call('POST', '/v1/orgs/acme/users', { token: adminToken, body: { name: 'ann', role: 'operator', password: 'short' } });
    expect(weak.status).toBe(422);
    expect((weak.json.error as { message: string }).message).toMatch(/too short: at least 12/);
    expect((await call('POST', '/v1/orgs/acme/users', { token: adminToken, body: { name: 'ann', role: 'wizard', password: PASSWORDS.ann } })).status).toBe(422);
    const ok = await call('POST', '/v1/orgs/acme/users', { token: adminToken, body: { name: 'ann', role: 'operator', password: PASSWORDS.ann } });
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ name: 'ann', role: 'operator', password: true, sso: false });
    expect((await call('POST', '/v1/orgs/acme/users', { token: adminToken, body: { name: 'ann', role: 'viewer' } })).status).toBe(409);
    expect((await call('POST', '/v1/orgs/globex/users', { token: adminToken, body: { name: 'olga', role: 'admin', password: PASSWORDS.olga } })).status).toBe(201);
    expect((await call('POST', '/v1/orgs/acme/users', { token: adminToken, body: { name: 'aude', role: 'auditor' } })).status).toBe(201);
    const list = await call('GET', '/v1/orgs/acme/users', { token: adminToken });
    expect((list.json.items as { name: string; role: string }[]).map((u) => `${u.name}:${u.role}`)).toEqual(['ann:operator', 'aude:auditor']);
    const events = await audit('acme');
    expect(events.filter((e) => e.action === 'user.create').map((e) => e.target)).toEqual(['User/ann', 'User/aude']);
    expect(events.filter((e) => e.action === 'role.change').map((e) => [e.target, (e.diff as { to: string }).to])).toEqual([['User/ann', 'operator'], ['User/aude', 'auditor']]);
  });

  it('logs in with a password into an HttpOnly SameSite=Strict session; CSRF guards unsafe methods', async () => {
    const bad = await login('ann', 'not-the-password');
    expect(bad.status).toBe(401);
    expect(bad.setCookie).toBeUndefined();
    const s = await login('ann', PASSWORDS.ann);
    expect(s.status).toBe(200);
    expect(s.setCookie).toMatch(/HttpOnly/);
    expect(s.setCookie).toMatch(/SameSite=Strict/);
    expect(s.setCookie).toMatch(/Path=\//);
    expect(s.setCookie).not.toMatch(/Secure/); // plain http here; Secure with https (CLAWPLANE_PUBLIC_URL)
    expect(s.json).not.toHaveProperty('sessionId');
    const me = await call('GET', '/v1/auth/session', { cookie: s.cookie! });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ name: 'ann', via: 'session', csrfToken: s.csrf, grants: [{ org: 'acme', role: 'operator' }] });
    // reads work with the cookie alone; writes need the CSRF header and a same-origin Origin
    expect((await call('GET', '/v1/orgs/acme/gateways', { cookie: s.cookie! })).status).toBe(200);
    const noCsrf = await call('POST', '/v1/orgs/acme/gateways/ops-gw/restart', { cookie: s.cookie! });
    expect(noCsrf.status).toBe(403);
    expect((noCsrf.json.error as { message: string }).message).toMatch(/CSRF/);
    expect((await call('POST', '/v1/orgs/acme/gateways/ops-gw/restart', { cookie: s.cookie!, csrf: 'forged-token-value' })).status).toBe(403);
    expect((await call('POST', '/v1/orgs/acme/gateways/ops-gw/restart', { cookie: s.cookie!, csrf: s.csrf!, origin: 'https://evil.example' })).status).toBe(403);
    const good = await call('POST', '/v1/orgs/acme/gateways/ops-gw/restart', { cookie: s.cookie!, csrf: s.csrf!, origin: 'http://cp.test' });
    expect([200, 503]).toContain(good.status);
    // security headers
    const h = (await call('GET', '/v1/auth/session', { cookie: s.cookie! })).headers;
    expect(h.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('referrer-policy')).toBe('no-referrer');
    expect(h.get('x-frame-options')).toBe('DENY');
    expect(h.get('strict-transport-security')).toBeNull();
    // logout needs CSRF too, then the session is gone
    expect((await call('POST', '/v1/auth/logout', { cookie: s.cookie! })).status).toBe(403);
    const out = await call('POST', '/v1/auth/logout', { cookie: s.cookie!, csrf: s.csrf! });
    expect(out.json).toEqual({ loggedOut: true });
    expect(out.headers.get('set-cookie')).toMatch(/clawplane_session=;/);
    expect((await call('GET', '/v1/auth/session', { cookie: s.cookie! })).status).toBe(401);
    const actions = (await audit('acme')).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.login.failed', 'auth.login', 'auth.logout']));
  });

  it('expires idle and old sessions', async () => {
    const s = await login('ann', PASSWORDS.ann);
    clock += 29 * 60_000;
    expect((await call('GET', '/v1/auth/session', { cookie: s.cookie! })).status).toBe(200);
    clock += 31 * 60_000;
    const idle = await call('GET', '/v1/auth/session', { cookie: s.cookie! });
    expect(idle.status).toBe(401);
    expect((idle.json.error as { message: string }).message).toMatch(/expired/);
    const s2 = await login('ann', PASSWORDS.ann);
    for (let i = 0; i < 26; i++) {
      clock += 28 * 60_000; // active, never idle, but past the 12 h absolute limit at the end
      const r = await call('GET', '/v1/auth/session', { cookie: s2.cookie! });
      if (i < 25) expect(r.status).toBe(200);
      else expect(r.status).toBe(401);
    }
  });

  it('rate-limits wrong passwords per user with a lockout and backoff, audited', async () => {
    for (let i = 1; i <= 5; i++) expect((await login('ann', `wrong-password-${i}`)).status).toBe(401);
    const sixth0 = await login('ann', 'wrong-password-6');
    expect(sixth0.status).toBe(429);
    expect(sixth0.headers.get('retry-after')).toBe('30');
    // locked: even the right password is refused, without checking it
    const locked = await login('ann', PASSWORDS.ann);
    expect(locked.status).toBe(429);
    expect((locked.json.error as { message: string }).message).toMatch(/too many failed logins; try again in \d+ s/);
    clock += 31_000;
    const seventh = await login('ann', 'wrong-password-7');
    expect(seventh.status).toBe(429);
    expect(seventh.headers.get('retry-after')).toBe('60'); // doubled
    clock += 61_000;
    expect((await login('ann', PASSWORDS.ann)).status).toBe(200); // success resets the user's counter
    expect((await login('ann', 'wrong-again-1')).status).toBe(401);
    const events = await audit('acme');
    const lockouts = events.filter((e) => e.action === 'auth.lockout');
    expect(lockouts.map((e) => (e.diff as { seconds: number }).seconds)).toEqual([30, 60]);
    expect(lockouts[0]!.target).toBe('User/ann');
    expect(events.filter((e) => e.action === 'auth.login.failed').length).toBeGreaterThanOrEqual(7);
  });

  it('rate-limits one client address guessing many user names', async () => {
    clock += 2 * 60 * 60_000; // forget earlier failures
    let status = 0;
    let n = 0;
    while (status !== 429 && n < 40) status = (await login(`ghost-${n++}`, 'some-wrong-password')).status;
    expect(status).toBe(429);
    expect(n).toBe(21); // 20 free failures per address, then a lockout
    expect((await login('olga', PASSWORDS.olga)).status).toBe(429); // the address is locked for everyone
    const system = (await audit('_system')).filter((e) => e.action === 'auth.lockout');
    expect(system.at(-1)?.diff).toMatchObject({ by: 'clientAddress' });
    clock += 61_000;
    expect((await login('olga', PASSWORDS.olga)).status).toBe(200);
  });

  it('API tokens with scopes and expiry: enforced, listed without secrets, revoked', async () => {
    const created = await call('POST', '/v1/tokens', { token: adminToken, body: { scopes: 'read', expiresIn: '1h', org: 'acme', description: 'dashboard reader' } });
    expect(created.status).toBe(201);
    const read = created.json.token as string;
    secrets.push(read);
    expect(created.json).toMatchObject({ scopes: ['read'], org: 'acme', expired: false });
    expect((await call('GET', '/v1/orgs/acme/gateways', { token: read })).status).toBe(200);
    expect((await call('GET', '/v1/orgs/acme/audit', { token: read })).status).toBe(200); // read includes audit:read
    const write = await call('POST', '/v1/orgs/acme/gateways/ops-gw/restart', { token: read });
    expect(write.status).toBe(403);
    expect((write.json.error as { message: string }).message).toMatch(/limited to scope\(s\) read; this needs "write"/);
    expect((await call('GET', '/v1/orgs/globex/gateways', { token: read })).status).toBe(404); // org-bound
    expect((await call('POST', '/v1/tokens', { token: read, body: { scopes: 'write' } })).status).toBe(403); // no escalation
    const child = await call('POST', '/v1/tokens', { token: read, body: { expiresIn: '30d' } });
    expect(child.status).toBe(201);
    secrets.push(child.json.token as string);
    expect(child.json).toMatchObject({ scopes: ['read'], org: 'acme', expiresAt: created.json.expiresAt }); // never outlives its parent
    expect((await call('POST', '/v1/tokens', { token: adminToken, body: { scopes: 'root' } })).status).toBe(422);
    expect((await call('POST', '/v1/tokens', { token: adminToken, body: { expiresIn: '5y' } })).status).toBe(422);
    const mine = await call('GET', '/v1/tokens', { token: adminToken });
    const ids = (mine.json.items as { id: string }[]).map((t) => t.id);
    expect(ids).toContain(created.json.id);
    expect(JSON.stringify(mine.json)).not.toMatch(/"hash"|cpt_/);
    clock += 2 * 60 * 60_000;
    const expired = await call('GET', '/v1/orgs/acme/gateways', { token: read });
    expect(expired.status).toBe(401);
    expect((expired.json.error as { message: string }).message).toMatch(/expired/);
    const fresh = await call('POST', '/v1/tokens', { token: adminToken, body: { scopes: ['audit:read'] } });
    secrets.push(fresh.json.token as string);
    expect((await call('GET', '/v1/orgs/acme/audit', { token: fresh.json.token as string })).status).toBe(200);
    expect((await call('GET', '/v1/orgs/acme/gateways', { token: fresh.json.token as string })).status).toBe(403);
    expect((await call('DELETE', `/v1/tokens/${fresh.json.id as string}`, { token: adminToken })).json).toEqual({ revoked: fresh.json.id });
    expect((await call('GET', '/v1/orgs/acme/audit', { token: fresh.json.token as string })).status).toBe(401);
    const actions = (await audit('_system')).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['token.create', 'token.revoke']));
  });

  it('an agent-bound token can never change its own agent, policy, roles or tokens', async () => {
    const res = await call('POST', '/v1/tokens', { token: adminToken, body: { org: 'acme', agent: 'helpdesk', scopes: 'write' } });
    expect(res.status).toBe(201);
    const agentToken = res.json.token as string;
    secrets.push(agentToken);
    expect((await call('POST', '/v1/tokens', { token: adminToken, body: { org: 'acme', agent: 'nobody' } })).status).toBe(404);
    const me = await call('GET', '/v1/whoami', { token: agentToken });
    expect(me.json).toMatchObject({ agent: { org: 'acme', name: 'helpdesk' }, scopes: ['write'] });
    const selfEdit = `kind: Agent
metadata: { name: helpdesk, org: acme, gateway: support-gw }
spec: { kind: usecase, purpose: Answer customers, model: anthropic/claude-opus-4-6, personality: { soul: "You are the helpdesk." }, tools: { allow: ["exec"] } }
`;
    const r1 = await call('POST', '/v1/apply', { token: agentToken, text: selfEdit });
    expect(r1.status).toBe(403);
    expect((r1.json.error as { message: string }).message).toMatch(/cannot change its own permissions, budget or tool allowlist \(Agent\/helpdesk\)/);
    const policy = `kind: Policy
metadata: { name: loosen, org: acme }
spec: { scope: { kind: agent, name: helpdesk }, tools: { allow: ["exec"] } }
`;
    expect((await call('POST', '/v1/apply', { token: agentToken, text: policy })).status).toBe(403);
    const role = `kind: RoleBinding
metadata: { name: promote, org: acme }
spec: { user: admin, role: admin }
`;
    expect((await call('POST', '/v1/apply', { token: agentToken, text: role })).status).toBe(403);
    // even with admin scope from an org admin, the agent cannot touch what governs it
    const adminAgent = (await call('POST', '/v1/tokens', { token: adminToken, body: { org: 'acme', agent: 'helpdesk', scopes: 'admin' } })).json.token as string;
    secrets.push(adminAgent);
    const orgEdit = `kind: Organization
metadata: { name: acme }
spec: { displayName: Acme Agents Rule, defaults: { runtime: { kind: openclaw, version: "2026.9.6" }, target: { kind: process } } }
`;
    expect((await call('POST', '/v1/apply', { token: adminAgent, text: orgEdit })).status).toBe(403);
    expect((await call('POST', '/v1/apply', { token: adminAgent, text: policy })).status).toBe(403);
    expect((await call('POST', '/v1/apply', { token: adminAgent, text: selfEdit })).status).toBe(403);
    expect((await call('PUT', '/v1/orgs/acme/users/aude/role', { token: adminAgent, body: { role: 'admin' } })).status).toBe(403);
    expect((await call('DELETE', '/v1/orgs/acme/agents/helpdesk', { token: agentToken })).status).toBe(403);
    expect((await call('DELETE', '/v1/orgs/acme/policies/anything', { token: agentToken })).status).toBe(403);
    expect((await call('POST', '/v1/tokens', { token: agentToken, body: { scopes: 'read' } })).status).toBe(403);
    expect((await call('POST', '/v1/orgs/acme/users', { token: agentToken, body: { name: 'sneaky', role: 'admin' } })).status).toBe(403);
    // it still does ordinary work in its scope: a gateway verb
    expect([200, 503]).toContain((await call('POST', '/v1/orgs/acme/gateways/ops-gw/restart', { token: agentToken })).status);
    // and nothing changed
    const agent = await call('GET', '/v1/orgs/acme/agents/helpdesk', { token: adminToken });
    expect((agent.json.spec as { model: string }).model).toBe('anthropic/claude-sonnet-4-6');
  });

  it('the auditor reads audit only', async () => {
    const t = (await createApiToken(deps, SYSTEM_ACTOR, { user: 'aude' })).token;
    secrets.push(t);
    expect((await call('GET', '/v1/orgs/acme/audit', { token: t })).status).toBe(200);
    expect((await call('GET', '/v1/orgs/acme/audit-verify', { token: t })).status).toBe(200);
    expect((await call('GET', '/v1/orgs/acme/gateways', { token: t })).status).toBe(403);
    expect((await call('GET', '/v1/orgs/acme/secret-values', { token: t })).status).toBe(403);
    expect((await call('GET', '/v1/orgs/globex/audit', { token: t })).status).toBe(404);
  });

  it('isolates tenants: another org\'s users and tokens are 404', async () => {
    const o = await login('olga', PASSWORDS.olga);
    expect(o.status).toBe(200);
    const olga = (await call('POST', '/v1/tokens', { cookie: o.cookie!, csrf: o.csrf!, body: { description: 'olga cli' } })).json;
    secrets.push(olga.token as string);
    const annToken = (await call('POST', '/v1/tokens', { token: adminToken, body: { user: 'ann', description: 'ann cli' } })).json;
    secrets.push(annToken.token as string);
    const ot = olga.token as string;
    expect((await call('GET', '/v1/orgs/acme/users', { token: ot })).status).toBe(404);
    expect((await call('GET', '/v1/orgs/acme/tokens', { token: ot })).status).toBe(404);
    expect((await call('DELETE', '/v1/orgs/acme/users/ann', { token: ot })).status).toBe(404);
    expect((await call('PUT', '/v1/orgs/acme/users/ann/password', { token: ot, body: { password: 'pwned-Password-123' } })).status).toBe(404);
    expect((await call('PUT', '/v1/orgs/globex/users/ann/password', { token: ot, body: { password: 'pwned-Password-123' } })).status).toBe(404);
    expect((await call('DELETE', '/v1/orgs/globex/users/ann', { token: ot })).status).toBe(404);
    expect((await call('DELETE', `/v1/tokens/${annToken.id as string}`, { token: ot })).status).toBe(404);
    const globexUsers = await call('GET', '/v1/orgs/globex/users', { token: ot });
    expect((globexUsers.json.items as { name: string }[]).map((u) => u.name)).toEqual(['olga']);
    const globexTokens = await call('GET', '/v1/orgs/globex/tokens', { token: ot });
    expect((globexTokens.json.items as { user: string }[]).every((t) => t.user === 'olga')).toBe(true);
    // ann's token still works
    expect((await call('GET', '/v1/whoami', { token: annToken.token as string })).status).toBe(200);
  });

  it('changes and resets passwords, ending sessions; removes users with their tokens', async () => {
    const s = await login('ann', PASSWORDS.ann);
    expect(s.status).toBe(200);
    expect((await call('PUT', '/v1/auth/password', { cookie: s.cookie!, csrf: s.csrf!, body: { current: 'wrong-current-pass', password: PASSWORDS.newAnn } })).status).toBe(403);
    const changed = await call('PUT', '/v1/auth/password', { cookie: s.cookie!, csrf: s.csrf!, body: { current: PASSWORDS.ann, password: PASSWORDS.newAnn } });
    expect(changed.json).toMatchObject({ user: 'ann' });
    expect(changed.json.sessionsEnded).toBeGreaterThanOrEqual(1);
    expect((await call('GET', '/v1/auth/session', { cookie: s.cookie! })).status).toBe(401);
    expect((await login('ann', PASSWORDS.ann)).status).toBe(401);
    expect((await login('ann', PASSWORDS.newAnn)).status).toBe(200);
    const role = await call('PUT', '/v1/orgs/acme/users/ann/role', { token: adminToken, body: { role: 'viewer' } });
    expect(role.json).toMatchObject({ name: 'ann', role: 'viewer' });
    const removed = await call('DELETE', '/v1/orgs/acme/users/ann', { token: adminToken });
    expect(removed.json).toEqual({ removed: 'ann', deleted: true });
    expect((await login('ann', PASSWORDS.newAnn)).status).toBe(401);
    const events = await audit('acme');
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['user.password.change', 'role.change', 'user.remove']));
    expect(events.filter((e) => e.action === 'role.change' && e.target === 'User/ann').map((e) => (e.diff as { to: string | null }).to)).toEqual(['operator', 'viewer', null]);
  });

  it('behind https: Secure cookies and HSTS', async () => {
    const httpsApi = createApi({ deps, version: 'test', publicUrl: 'https://clawplane.example' }, pino({ level: 'silent' }));
    const res = await httpsApi.request('https://clawplane.example/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'olga', password: PASSWORDS.olga }) });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    secrets.push(/clawplane_session=([^;]+)/.exec(cookie)?.[1] ?? 'missing');
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/HttpOnly; Secure; SameSite=Strict|HttpOnly.*Secure.*SameSite=Strict/);
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    const notFound = await httpsApi.request('https://clawplane.example/nope');
    expect(notFound.headers.get('content-security-policy')).toMatch(/default-src 'self'/); // on errors too
  });

  it('never stores, logs, audits or returns a password, session id or token', async () => {
    const all = JSON.stringify([await audit('acme'), await audit('globex'), await audit('_system')]);
    const responsesFile = join(dir, 'responses.txt');
    await writeFile(responsesFile, responses.join('\n'));
    const log = await readFile(join(dir, 'server.log'), 'utf8');
    expect(log.length).toBeGreaterThan(1000);
    for (const secret of secrets) {
      expect(all).not.toContain(secret);
      // the data dir holds the SQLite database (hashes only) and the server log
      const hits = (await scanForSecret([dir], secret)).filter((f) => f !== responsesFile);
      expect(hits, `leak of a planted secret`).toEqual([]);
    }
    // Responses may contain the tokens they just created (shown once) but never passwords or session ids.
    for (const secret of [...Object.values(PASSWORDS), ...secrets.filter((s) => !s.startsWith('cpt_'))]) {
      expect(await scanForSecret([responsesFile], secret)).toEqual([]);
    }
  });
});
