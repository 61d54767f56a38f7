// The server's event stream (`GET /v1/events`, server-sent events) as parsed `change` events.
import type { Client } from './client.ts';

export interface ChangeEvent {
  kind: string;
  name: string;
  type?: string;
  reason?: string;
  message?: string;
  time: string;
}

/** Yields each `event: change` of the organization's stream until it ends or `signal` aborts. */
export async function* changeEvents(client: Client, org: string, signal?: AbortSignal): AsyncGenerator<ChangeEvent> {
  const res = await client.raw('GET', `/v1/events?org=${encodeURIComponent(org)}`, undefined, signal);
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let idx: number;
    while ((idx = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, idx);
      buf = buf.slice(idx + 2);
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (block.includes('event: change') && data) yield JSON.parse(data) as ChangeEvent;
    }
  }
}
