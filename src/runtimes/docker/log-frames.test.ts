import { describe, expect, it } from 'vitest';
import { createOutputCollector, frameLines } from './log-frames.ts';

function frame(stream: number, text: string): Buffer {
  const body = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}

async function collect(chunks: Buffer[]): Promise<string[]> {
  const out: string[] = [];
  async function* src() { yield* chunks; }
  for await (const l of frameLines(src())) out.push(l);
  return out;
}

describe('frameLines', () => {
  it('demultiplexes stdout/stderr frames split across chunks into lines', async () => {
    const all = Buffer.concat([frame(1, 'one\ntw'), frame(2, 'o\nthree\r\n'), frame(1, 'partial')]);
    const chunks = [all.subarray(0, 3), all.subarray(3, 13), all.subarray(13)];
    expect(await collect(chunks)).toEqual(['one', 'two', 'three', 'partial']);
  });

  it('passes TTY (raw) streams through', async () => {
    expect(await collect([Buffer.from('hello world\nsecond line\n')])).toEqual(['hello world', 'second line']);
  });
});

describe('createOutputCollector', () => {
  it('splits stdout and stderr frames across chunks and caps each', () => {
    const c = createOutputCollector(5);
    const all = Buffer.concat([frame(1, 'abc'), frame(2, 'err'), frame(1, 'defgh')]);
    c.push(all.subarray(0, 4));
    c.push(all.subarray(4, 20));
    c.push(all.subarray(20));
    expect(c.result()).toEqual({ stdout: 'abcde', stderr: 'err', truncated: true });
  });

  it('takes a raw stream as stdout', () => {
    const c = createOutputCollector(100);
    c.push(Buffer.from('{"ok":true}\n'));
    expect(c.result()).toEqual({ stdout: '{"ok":true}\n', stderr: '', truncated: false });
  });
});
