// Tamper-evident audit log: every event's hash covers its content and the previous event's hash.
// Pure: node:crypto hashing only.
import { createHash } from 'node:crypto';
import type { AuditEvent, AuditEventInput } from './ports/store.ts';

/** prevHash of an organization's first event (seq 1). */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted recursively, so equal values always hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** sha256 (hex) of the canonical JSON of the event's content and `prevHash`. */
export function hashAuditEvent(prevHash: string, event: AuditEventInput & { seq: number }): string {
  const content = {
    org: event.org,
    seq: event.seq,
    time: event.time,
    actor: event.actor,
    action: event.action,
    target: event.target,
    diff: event.diff ?? null,
    requestId: event.requestId ?? null,
    prevHash,
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export interface AuditChainProblem {
  seq: number;
  message: string;
}

export interface AuditChainVerification {
  ok: boolean;
  checked: number;
  problems: AuditChainProblem[];
}

export interface VerifyAuditChainOptions {
  /** The event just before `events[0]` when verifying a slice; default: the chain starts at seq 1. */
  after?: { seq: number; hash: string };
  /** The org's recorded head; detects rows removed from the end of the log. */
  head?: { seq: number; hash: string };
}

/**
 * Checks events in the order given (ascending seq): no gaps or reordering, each prevHash links to
 * the previous event's hash, and each hash matches the event's content.
 */
export function verifyAuditChain(events: readonly AuditEvent[], opts: VerifyAuditChainOptions = {}): AuditChainVerification {
  const problems: AuditChainProblem[] = [];
  let prevSeq = opts.after?.seq ?? 0;
  let prevHash = opts.after?.hash ?? GENESIS_HASH;
  const org = events[0]?.org;
  for (const e of events) {
    if (e.org !== org) problems.push({ seq: e.seq, message: `event belongs to organization "${e.org}", expected "${org ?? ''}"` });
    if (e.seq !== prevSeq + 1) {
      const what = e.seq > prevSeq + 1 ? `missing event(s) ${prevSeq + 1}..${e.seq - 1}` : `out of order after seq ${prevSeq}`;
      problems.push({ seq: e.seq, message: `expected seq ${prevSeq + 1}, found ${e.seq}: ${what}` });
    }
    if (e.prevHash !== prevHash) problems.push({ seq: e.seq, message: 'prevHash does not match the previous event\'s hash: the chain is broken' });
    if (hashAuditEvent(e.prevHash, e) !== e.hash) problems.push({ seq: e.seq, message: 'hash does not match the event\'s content: the event was altered' });
    prevSeq = e.seq;
    prevHash = e.hash;
  }
  if (opts.head) {
    if (opts.head.seq !== prevSeq) problems.push({ seq: opts.head.seq, message: `the log ends at seq ${prevSeq} but the recorded head is seq ${opts.head.seq}: events were removed` });
    else if (opts.head.hash !== prevHash) problems.push({ seq: opts.head.seq, message: 'the last event\'s hash does not match the recorded head' });
  }
  return { ok: problems.length === 0, checked: events.length, problems };
}
