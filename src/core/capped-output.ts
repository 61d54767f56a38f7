// Output of a diagnostic command collected up to a byte limit; the rest is dropped and noted
// (`truncated`). One buffer per stream (stdout, stderr). Pure: shared by every runtime driver.

export interface CappedOutput {
  push(chunk: Uint8Array): void;
  text(): string;
  /** Whether any byte was dropped. */
  truncated(): boolean;
}

export function createCappedOutput(limit: number): CappedOutput {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let cut = false;
  return {
    push(chunk) {
      const room = limit - size;
      if (chunk.length > room) cut = true;
      if (room <= 0) return;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(part);
      size += part.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
    truncated: () => cut,
  };
}
