// A small local OpenAI-compatible chat-completions server for tests that run a real agent turn on a
// real OpenClaw gateway without model credentials. It answers POST …/chat/completions the way the
// OpenAI API does: a JSON body, or (stream: true, what OpenClaw's `openai-completions` provider
// sends) Server-Sent Events `data: {chat.completion.chunk}` lines ending with `data: [DONE]`.
// GET …/models lists the one model. Every request is recorded for the test to inspect.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  path: string;
  authorization?: string;
  body: { model?: string; stream?: boolean; messages?: { role: string; content: unknown }[]; [k: string]: unknown };
}

export interface StandInModel {
  url: string;
  port: number;
  requests: ChatRequest[];
  /** What the model answers, given the requested model id and the text of every user message. */
  setReply(fn: (input: { model: string; userText: string }) => string): void;
  close(): Promise<void>;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : '')).join('');
  return '';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startStandInModel(opts: { model: string; port?: number }): Promise<StandInModel> {
  const requests: ChatRequest[] = [];
  let reply: (input: { model: string; userText: string }) => string = () => 'ok';
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: opts.model, object: 'model', created: 0, owned_by: 'stand-in' }] }));
      return;
    }
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } }));
      return;
    }
    const body = JSON.parse(await readBody(req)) as ChatRequest['body'];
    requests.push({ path, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), body });
    const userText = (body.messages ?? []).filter((m) => m.role === 'user').map((m) => textOf(m.content)).join('\n');
    const model = body.model ?? opts.model;
    const text = reply({ model, userText });
    const id = `chatcmpl-standin-${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
    if (body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}): string =>
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }, null));
      // Two deltas, so a client that only keeps the last one would be caught.
      const mid = Math.ceil(text.length / 2);
      res.write(chunk({ content: text.slice(0, mid) }, null));
      res.write(chunk({ content: text.slice(mid) }, null));
      res.write(chunk({}, 'stop'));
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, object: 'chat.completion', created, model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage }));
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(err), type: 'server_error' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    setReply: (fn) => {
      reply = fn;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
