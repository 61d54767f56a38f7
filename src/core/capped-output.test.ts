import { describe, expect, it } from 'vitest';
import { createCappedOutput } from './capped-output.ts';

describe('createCappedOutput', () => {
  it('keeps everything under the limit', () => {
    const o = createCappedOutput(10);
    o.push(Buffer.from('abc'));
    o.push(Buffer.from('def'));
    expect([o.text(), o.truncated()]).toEqual(['abcdef', false]);
  });

  it('cuts at the limit across chunks and notes it', () => {
    const o = createCappedOutput(5);
    o.push(Buffer.from('abc'));
    o.push(Buffer.from('defg'));
    o.push(Buffer.from('h'));
    expect([o.text(), o.truncated()]).toEqual(['abcde', true]);
  });

  it('an exact fill is not a cut', () => {
    const o = createCappedOutput(3);
    o.push(Buffer.from('abc'));
    expect([o.text(), o.truncated()]).toEqual(['abc', false]);
  });
});
