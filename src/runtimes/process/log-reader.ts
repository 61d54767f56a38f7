// Line reader over a gateway log file: last N lines, then (optionally) follow appended lines.
// Follow survives copy-truncate rotation (file shrinks → read again from the start).
import { open, stat } from 'node:fs/promises';
import type { LogOptions } from '../../core/ports/runtime.ts';

/** Pure: the last `n` complete lines of `text` (a trailing partial line counts as a line). */
export function lastLines(text: string, n: number): string[] {
  if (n <= 0 || text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-n);
}

const TAIL_WINDOW = 1024 * 1024;

async function fileSize(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

async function readRange(file: string, start: number, end: number): Promise<string> {
  if (end <= start) return '';
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(end - start);
    const { bytesRead } = await fh.read(buf, 0, buf.length, start);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function* readLogLines(file: string, opts: LogOptions & { pollMs?: number } = {}): AsyncGenerator<string> {
  const tail = opts.tailLines ?? (opts.follow ? 0 : Number.POSITIVE_INFINITY);
  let size = (await fileSize(file)) ?? 0;
  if (tail > 0) {
    const start = Number.isFinite(tail) ? Math.max(0, size - TAIL_WINDOW) : 0;
    const text = await readRange(file, start, size);
    const all = Number.isFinite(tail) ? lastLines(text, tail) : lastLines(text, Number.MAX_SAFE_INTEGER);
    for (const line of all) yield line;
  }
  if (!opts.follow) return;
  let offset = size;
  let partial = '';
  while (!opts.signal?.aborted) {
    await abortableSleep(opts.pollMs ?? 500, opts.signal);
    if (opts.signal?.aborted) break;
    size = (await fileSize(file)) ?? 0;
    if (size < offset) {
      offset = 0; // rotated (copy-truncate) or recreated
      partial = '';
    }
    if (size === offset) continue;
    const chunk = partial + (await readRange(file, offset, size));
    offset = size;
    const lines = chunk.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) yield line;
  }
}
