import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, hashAuditEvent, verifyAuditChain } from './audit-chain.ts';
import type { AuditEvent } from './ports/store.ts';

function chain(n: number, org = 'acme'): AuditEvent[] {
  const out: AuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const input = { org, seq, time: `2026-12-04T10:00:0${seq % 10}.000Z`, actor: 'alice', action: 'update', target: `Gateway/gw-${seq}`, diff: { spec: { port: 18000 + seq } } };
    const hash = hashAuditEvent(prevHash, input);
    out.push({ ...input, prevHash, hash });
    prevHash = hash;
  }
  return out;
}

describe('canonicalJson', () => {
  it('sorts keys recursively and drops undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1}');
  });
});

describe('hashAuditEvent', () => {
  const base = { org: 'acme', seq: 1, time: '2026-12-04T10:00:00.000Z', actor: 'alice', action: 'create', target: 'Gateway/a', diff: { a: 1, b: 2 } };

  it('is a sha256 hex digest independent of key order in the diff', () => {
    const h = hashAuditEvent(GENESIS_HASH, base);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashAuditEvent(GENESIS_HASH, { ...base, diff: { b: 2, a: 1 } })).toBe(h);
  });

  it('changes with every covered field and with prevHash', () => {
    const h = hashAuditEvent(GENESIS_HASH, base);
    const variants = [
      { ...base, org: 'other' }, { ...base, seq: 2 }, { ...base, time: '2026-12-04T10:00:01.000Z' }, { ...base, actor: 'bob' },
      { ...base, action: 'delete' }, { ...base, target: 'Gateway/b' }, { ...base, diff: { a: 1, b: 3 } }, { ...base, requestId: 'r1' },
    ];
    for (const v of variants) expect(hashAuditEvent(GENESIS_HASH, v)).not.toBe(h);
    expect(hashAuditEvent('f'.repeat(64), base)).not.toBe(h);
  });

  it('treats a missing requestId and diff like null', () => {
    expect(hashAuditEvent(GENESIS_HASH, { ...base, diff: undefined })).toBe(hashAuditEvent(GENESIS_HASH, { ...base, diff: null }));
  });
});

describe('verifyAuditChain', () => {
  it('accepts an intact chain and an empty one', () => {
    expect(verifyAuditChain(chain(5))).toEqual({ ok: true, checked: 5, problems: [] });
    expect(verifyAuditChain([])).toEqual({ ok: true, checked: 0, problems: [] });
  });

  it('detects an altered event', () => {
    const events = chain(4);
    events[2] = { ...events[2]!, diff: { spec: { port: 1 } } };
    const r = verifyAuditChain(events);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([{ seq: 3, message: expect.stringContaining('altered') as string }]);
  });

  it('detects an altered event whose hash was recomputed, through the next link', () => {
    const events = chain(4);
    const e = { ...events[1]!, actor: 'mallory' };
    events[1] = { ...e, hash: hashAuditEvent(e.prevHash, e) };
    const r = verifyAuditChain(events);
    expect(r.problems.map((p) => p.seq)).toEqual([3]);
    expect(r.problems[0]!.message).toContain('chain is broken');
  });

  it('detects a removed event', () => {
    const events = chain(5);
    events.splice(2, 1);
    const r = verifyAuditChain(events);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.seq)).toEqual([4, 4]);
    expect(r.problems[0]!.message).toContain('missing event(s) 3..3');
  });

  it('detects a removed first event', () => {
    const r = verifyAuditChain(chain(3).slice(1));
    expect(r.problems[0]).toEqual({ seq: 2, message: expect.stringContaining('expected seq 1') as string });
  });

  it('detects reordered events', () => {
    const events = chain(4);
    [events[1], events[2]] = [events[2]!, events[1]!];
    const r = verifyAuditChain(events);
    expect(r.ok).toBe(false);
    expect(r.problems.some((p) => p.message.includes('out of order'))).toBe(true);
  });

  it('detects events removed from the end only with the recorded head', () => {
    const events = chain(5);
    const head = { seq: 5, hash: events[4]!.hash };
    expect(verifyAuditChain(events, { head }).ok).toBe(true);
    const truncated = events.slice(0, 3);
    expect(verifyAuditChain(truncated).ok).toBe(true);
    const r = verifyAuditChain(truncated, { head });
    expect(r.problems).toEqual([{ seq: 5, message: expect.stringContaining('events were removed') as string }]);
  });

  it('verifies a slice anchored on the event before it', () => {
    const events = chain(6);
    expect(verifyAuditChain(events.slice(3), { after: { seq: 3, hash: events[2]!.hash } }).ok).toBe(true);
    expect(verifyAuditChain(events.slice(3), { after: { seq: 3, hash: GENESIS_HASH } }).ok).toBe(false);
  });

  it('detects events of another organization mixed in', () => {
    const events = chain(2);
    const other = chain(3, 'other')[2]!;
    const r = verifyAuditChain([...events, other]);
    expect(r.problems.some((p) => p.message.includes('organization "other"'))).toBe(true);
  });
});
