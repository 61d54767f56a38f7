// Engine API log/attach streams without a TTY are multiplexed: 8-byte frame headers
// [stream, 0, 0, 0, size (uint32 BE)] then `size` bytes. This turns such a byte stream (or a raw TTY
// stream) into text lines.

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
