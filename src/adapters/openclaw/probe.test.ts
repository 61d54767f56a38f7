import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interpretConfigGet, interpretHttpProbes, mapAgentsList, mapChannelsStatus, probeOpenClaw } from './probe.ts';

describe('interpretHttpProbes', () => {
  it('is live and ready only with the right JSON bodies', () => {
    expect(interpretHttpProbes(
      { status: 200, body: { ok: true, status: 'live' } },
      { status: 200, body: { ready: true, failing: [], version: '2026.9.6' } },
    )).toEqual({ live: true, ready: true, failing: [], version: '2026.9.6' });
  });
  it('reports 503 readyz as live but not ready, with failing checks', () => {
    const r = interpretHttpProbes(
      { status: 200, body: { ok: true } },
      { status: 503, body: { ready: false, failing: ['agent-db:main'] } },
    );
    expect(r).toMatchObject({ live: true, ready: false, failing: ['agent-db:main'] });
  });
  it('never treats a body without the fields as healthy', () => {
    const r = interpretHttpProbes({ status: 200, body: { hello: 1 } }, { status: 200, body: { hello: 1 } });
    expect(r.live).toBe(false);
    expect(r.ready).toBe(false);
    expect(r.error).toBeTruthy();
  });
  it('passes transport errors through', () => {
    expect(interpretHttpProbes({ error: 'timeout' }, { error: 'timeout' })).toEqual({ live: false, ready: false, error: 'timeout' });
  });
});

describe('payload mapping', () => {
  it('maps agents.list', () => {
    expect(mapAgentsList({ agents: [{ id: 'main' }, { id: 'ops' }, { nope: 1 }] })).toEqual(['main', 'ops']);
    expect(mapAgentsList(undefined)).toEqual([]);
  });
  it('maps channels.status with per-account connectivity', () => {
    const out = mapChannelsStatus({
      channels: {
        telegram: { configured: true, running: true, lastError: null },
        slack: { configured: true, running: false, lastError: 'bad token' },
      },
      channelAccounts: { telegram: [{ accountId: 'a', connected: true }, { accountId: 'b', connected: false }] },
    });
    expect(out).toEqual({
      telegram: { configured: true, running: true, connected: false, lastError: null },
      slack: { configured: true, running: false, lastError: 'bad token' },
    });
  });
});

describe('interpretConfigGet (payloads as OpenClaw 2026.9.6 answers config.get)', () => {
  const h = (c: string) => `hmac-sha256:v1:${c}`;
  it('applied when the file\'s revision hash is the applied one', () => {
    expect(interpretConfigGet({ hash: h('raw'), configRevisionHash: h('a'), appliedConfigHash: h('a'), valid: true })).toEqual({ state: 'applied', fileHash: h('raw') });
  });
  it('pending while the reload has not happened', () => {
    expect(interpretConfigGet({ configRevisionHash: h('b'), appliedConfigHash: h('a'), valid: true }).state).toBe('pending');
  });
  it('invalid (reload skipped) names the issues', () => {
    const r = interpretConfigGet({ hash: h('raw2'), configRevisionHash: null, appliedConfigHash: h('a'), valid: false, issues: [{ path: 'agents.defaults.model', message: 'Invalid input' }] });
    expect(r).toEqual({ state: 'invalid', message: 'the gateway refused its config file (reload skipped, still running the previous config): agents.defaults.model: Invalid input', fileHash: h('raw2') });
  });
  it('unknown for payloads without the hashes', () => {
    expect(interpretConfigGet({ raw: '{}' }).state).toBe('unknown');
    expect(interpretConfigGet(undefined).state).toBe('unknown');
  });
});

describe('probeOpenClaw over HTTP', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    // Behaves like the Control UI catch-all: every path answers 200 text/html.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise<void>((r) => server.close(() => r())));

  it('does not mistake a 200 HTML page for health', async () => {
    const r = await probeOpenClaw({ host: '127.0.0.1', port }, 'tok', { timeoutMs: 2000, deep: true });
    expect(r.live).toBe(false);
    expect(r.ready).toBe(false);
    expect(r.error).toMatch(/non-JSON/);
  });
});
