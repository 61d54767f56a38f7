// HTTP client of the CLI. Finds the server via --url / CLAWPLANE_URL / saved login.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Connection {
  url: string;
  token?: string;
}

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly body: { error?: { code?: string; message?: string; issues?: { path?: string; message?: string; document?: number; resource?: string; severity?: string; code?: string; hint?: string }[]; requestId?: string } };
  constructor(status: number, body: ApiError['body']) {
    super(body.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLAWPLANE_CONFIG ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'clawplane', 'config.json');
}

export async function resolveConnection(opts: { url?: string; token?: string }, env: NodeJS.ProcessEnv = process.env): Promise<Connection> {
  let saved: { url?: string; token?: string } = {};
  try {
    saved = JSON.parse(await readFile(configPath(env), 'utf8')) as typeof saved;
  } catch {
    // no saved login
  }
  const url = opts.url ?? env.CLAWPLANE_URL ?? saved.url ?? 'http://127.0.0.1:7070';
  const token = opts.token ?? env.CLAWPLANE_TOKEN ?? saved.token;
  return { url: url.replace(/\/+$/, ''), ...(token ? { token } : {}) };
}

export class Client {
  readonly conn: Connection;
  constructor(conn: Connection) {
    this.conn = conn;
  }

  async raw(method: string, path: string, body?: { text: string; type: string }, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.conn.token) headers.authorization = `Bearer ${this.conn.token}`;
    if (body) headers['content-type'] = body.type;
    let res: Response;
    try {
      res = await fetch(`${this.conn.url}${path}`, { method, headers, ...(body ? { body: body.text } : {}), ...(signal ? { signal } : {}) });
    } catch (e) {
      throw new Error(`cannot reach the Clawplane server at ${this.conn.url} (${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}); is \`clawplane serve\` running? Set CLAWPLANE_URL or use clawplane login`);
    }
    if (!res.ok) {
      let parsed: ApiError['body'] = {};
      try {
        parsed = (await res.json()) as ApiError['body'];
      } catch {
        // not JSON
      }
      throw new ApiError(res.status, parsed);
    }
    return res;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.raw(method, path, body === undefined ? undefined : { text: JSON.stringify(body), type: 'application/json' });
    return (await res.json()) as T;
  }

  async text<T>(method: string, path: string, text: string, type: string): Promise<T> {
    const res = await this.raw(method, path, { text, type });
    return (await res.json()) as T;
  }
}
