// Engine API log/attach streams without a TTY are multiplexed: 8-byte frame headers
// [stream, 0, 0, 0, size (uint32 BE)] then `size` bytes. This turns such a byte stream (or a raw TTY
// stream) into text lines.
import { createCappedOutput } from '../../core/capped-output.ts';

/** Splits multiplexed frames; passes raw (TTY) streams through unchanged. */
export function createFrameDecoder(): (chunk: Buffer) => Buffer[] {
  let pending: Buffer = Buffer.alloc(0);
  let raw: boolean | undefined;
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    if (raw === undefined && pending.length >= 8) {
      raw = !(pending[0]! <= 2 && pending[1] === 0 && pending[2] === 0 && pending[3] === 0);
    }
    if (raw === undefined) return [];
    if (raw) {
      const out = [pending];
      pending = Buffer.alloc(0);
      return out;
    }
    const out: Buffer[] = [];
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      out.push(pending.subarray(8, 8 + size));
      pending = pending.subarray(8 + size);
    }
    return out;
  };
}

/** Text lines of a (multiplexed) log byte source; a trailing partial line is yielded at the end. */
export async function* frameLines(source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): AsyncGenerator<string> {
  const decode = createFrameDecoder();
  let rest = '';
  for await (const chunk of source) {
    for (const payload of decode(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) {
      rest += payload.toString('utf8');
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) yield l.endsWith('\r') ? l.slice(0, -1) : l;
    }
  }
  if (rest !== '') yield rest;
}

/**
 * Collects a multiplexed stream's stdout and stderr, each capped at `cap` bytes (the rest is
 * dropped and counted). A raw (TTY) stream counts as stdout.
 */
export function createOutputCollector(cap: number): { push(chunk: Buffer): void; result(): { stdout: string; stderr: string; truncated: boolean } } {
  const streams = { 1: createCappedOutput(cap), 2: createCappedOutput(cap) };
  let pending: Buffer = Buffer.alloc(0);
  let raw: boolean | undefined;
  const add = (s: 1 | 2, b: Buffer) => streams[s].push(b);
  return {
    push(chunk) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (raw === undefined && pending.length >= 8) raw = !(pending[0]! <= 2 && pending[1] === 0 && pending[2] === 0 && pending[3] === 0);
      if (raw === undefined) return;
      if (raw) {
        add(1, pending);
        pending = Buffer.alloc(0);
        return;
      }
      while (pending.length >= 8) {
        const n = pending.readUInt32BE(4);
        if (pending.length < 8 + n) break;
        add(pending[0] === 2 ? 2 : 1, pending.subarray(8, 8 + n));
        pending = pending.subarray(8 + n);
      }
    },
    result() {
      if (raw === undefined && pending.length > 0) add(1, pending);
      return { stdout: streams[1].text(), stderr: streams[2].text(), truncated: streams[1].truncated() || streams[2].truncated() };
    },
  };
}
