// Composition root: the only place that wires implementations to ports.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import pino, { type Logger } from 'pino';
import type { AppDeps } from './app/app-deps.ts';
import { bootstrapAdmin } from './app/auth-commands.ts';
import { EventBus } from './app/event-bus.ts';
import { createApi } from './api/server.ts';
import { logRedactOptions } from './core/redact.ts';
import { openStore } from './store/open-store.ts';

export const VERSION = '0.1.0';

export interface ServerOptions {
  dataDir: string;
  port: number;
  host: string;
  database?: string;
  reconcile?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? pino({ level: env.CLAWPLANE_LOG_LEVEL ?? 'info', redact: logRedactOptions() });
  const store = await openStore({ dataDir: opts.dataDir, ...(opts.database ? { url: opts.database } : {}) });
  const events = new EventBus();
  let stopServer: (() => Promise<void>) | undefined;
  const deps: AppDeps = {
    store,
    events,
    now: () => new Date(),
    newId: () => randomUUID(),
    system: {
      shutdown: async () => {
        setTimeout(() => void stopServer?.().then(() => process.exit(0)), 100);
        return { stopped: [] };
      },
    },
  };
  const boot = await bootstrapAdmin(deps, env.CLAWPLANE_BOOTSTRAP_TOKEN);
  const api = createApi({ deps, version: VERSION }, log);
  const server = serve({ fetch: api.fetch, port: opts.port, hostname: opts.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const url = `http://${opts.host}:${port}`;
  log.info({ url, dataDir: opts.dataDir, store: store.dialect }, 'clawplane control plane listening');
  if (boot.created) {
    let how = 'the token you gave in CLAWPLANE_BOOTSTRAP_TOKEN';
    if (!env.CLAWPLANE_BOOTSTRAP_TOKEN && boot.token) {
      const file = join(opts.dataDir, 'admin.token');
      await writeFile(file, boot.token, { mode: 0o600, flag: 'wx' }).catch(() => undefined);
      how = `the token in ${file} (readable by you only)`;
    }
    process.stderr.write(`\nFirst start: created user "admin" (admin of every organization). Log in with ${how}:\n  clawplane login --server ${url} --token-stdin < TOKEN_FILE\n\n`);
  }
  let closing: Promise<void> | undefined;
  stopServer = async () => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    })();
    return closing;
  };
  return { url, close: stopServer };
}

export async function runServer(opts: ServerOptions): Promise<void> {
  const running = await startServer(opts);
  const stop = (): void => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
