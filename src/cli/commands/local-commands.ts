// serve, up, down, runtime: commands that run or manage the control plane on this host.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { Client, configPath } from '../client.ts';
import type { CliContext } from '../cli-context.ts';
import { formatTable } from '../output.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.CLAWPLANE_HOME ?? join(ROOT, '.clawplane'));
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
}

export function registerLocalCommands(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('Run the control plane (API + reconciler) in the foreground')
    .option('--data-dir <dir>', 'where state lives (SQLite, gateways, secrets)', defaultDataDir())
    .option('--port <port>', 'HTTP port', '7070')
    .option('--host <host>', 'bind address', '127.0.0.1')
    .option('--database <url>', 'postgres://… to use PostgreSQL instead of the embedded SQLite')
    .option('--no-reconcile', 'API only: do not run gateways')
    .action(async (o: { dataDir: string; port: string; host: string; database?: string; reconcile: boolean }) => {
      const { runServer } = await import('../../main.ts');
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${o.port} is not a port number`);
      await runServer({ dataDir: resolve(o.dataDir), port, host: o.host, reconcile: o.reconcile, ...(o.database ? { database: o.database } : {}) });
    });

  program
    .command('up')
    .description('Bring up the embedded default: control plane on SQLite, process runtime, examples/fleet.yaml applied')
    .option('--data-dir <dir>', 'data dir', defaultDataDir())
    .option('--port <port>', 'HTTP port', '7070')
    .option('-f, --file <file>', 'fleet file to apply', join(ROOT, 'examples', 'fleet.yaml'))
    .option('--timeout <seconds>', 'how long to wait for gateways to be ready', '240')
    .action(async (o: { dataDir: string; port: string; file: string; timeout: string }) => {
      const dataDir = resolve(o.dataDir);
      const url = `http://127.0.0.1:${o.port}`;
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      const tokenFile = join(dataDir, 'admin.token');
      let token: string;
      if (await healthy(url)) {
        ctx.err(`control plane already running at ${url}`);
        token = existsSync(tokenFile) ? (await readFile(tokenFile, 'utf8')).trim() : (process.env.CLAWPLANE_TOKEN ?? '');
      } else {
        token = existsSync(tokenFile) ? (await readFile(tokenFile, 'utf8')).trim() : `cpt_${randomBytes(32).toString('base64url')}`;
        await writeFile(tokenFile, token, { mode: 0o600 });
        const log = openSync(join(dataDir, 'server.log'), 'a');
        const child = spawn(process.execPath, [join(ROOT, 'src', 'cli', 'main.ts'), 'serve', '--data-dir', dataDir, '--port', o.port], {
          detached: true, stdio: ['ignore', log, log], env: { ...process.env, CLAWPLANE_BOOTSTRAP_TOKEN: token },
        });
        child.unref();
        await writeFile(join(dataDir, 'server.pid'), String(child.pid));
        ctx.err(`starting the control plane (pid ${child.pid}, log ${join(dataDir, 'server.log')})`);
        await waitFor(`the control plane at ${url}`, 60_000, () => healthy(url));
      }
      const file = configPath();
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      await writeFile(file, JSON.stringify({ url, token }, null, 2), { mode: 0o600 });
      const client = new Client({ url, token });
      const text = await readFile(o.file, 'utf8');
      const applied = await client.text<{ items: { kind: string; name: string; action: string }[] }>('POST', `/v1/apply?filename=${encodeURIComponent(o.file)}`, text, 'application/yaml');
      for (const i of applied.items) ctx.err(`${i.kind.toLowerCase()}/${i.name} ${i.action}`);
      const orgs = [...new Set(applied.items.filter((i) => i.kind === 'Organization').map((i) => i.name))];
      type Gw = { metadata: { name: string }; spec: { desiredState?: string }; status?: { lifecycle?: string; health?: { ready?: boolean; live?: boolean }; port?: number; runtimeVersion?: string; agentCount?: number; message?: string } };
      let last: Gw[] = [];
      const ready = async (): Promise<boolean> => {
        last = [];
        for (const org of orgs) last.push(...(await client.json<{ items: Gw[] }>('GET', `/v1/orgs/${org}/gateways`)).items);
        return last.every((g) => g.spec.desiredState === 'stopped' || (g.status?.lifecycle === 'running' && g.status.health?.ready === true));
      };
      try {
        await waitFor('every gateway to be ready', Number(o.timeout) * 1000, ready);
      } finally {
        ctx.out(formatTable(['GATEWAY', 'STATE', 'HEALTH', 'PORT', 'VERSION', 'AGENTS'], last.map((g) => [g.metadata.name, g.status?.lifecycle ?? 'pending', g.status?.health?.ready ? 'ready' : g.status?.health?.live ? 'live' : '-', String(g.status?.port ?? '-'), g.status?.runtimeVersion ?? '-', String(g.status?.agentCount ?? '-')])));
      }
      ctx.out('');
      ctx.out(`Clawplane is up: API ${url} (OpenAPI UI ${url}/docs)`);
      ctx.out(`You are logged in as admin (token saved in ${file} and ${tokenFile}).`);
      ctx.out('Try: clawplane get gateways   ·   clawplane get agents   ·   clawplane down');
    });

  program
    .command('down')
    .description('Stop every gateway and the control plane started by `up`')
    .option('--data-dir <dir>', 'data dir', defaultDataDir())
    .option('--port <port>', 'HTTP port', '7070')
    .action(async (o: { dataDir: string; port: string }) => {
      const url = `http://127.0.0.1:${o.port}`;
      const dataDir = resolve(o.dataDir);
      if (!(await healthy(url))) {
        ctx.out(`no control plane is running at ${url}`);
        return;
      }
      const tokenFile = join(dataDir, 'admin.token');
      const token = existsSync(tokenFile) ? (await readFile(tokenFile, 'utf8')).trim() : process.env.CLAWPLANE_TOKEN;
      const client = new Client({ url, ...(token ? { token } : {}) });
      const res = await client.json<{ stopped: string[] }>('POST', '/v1/system/shutdown', { stopGateways: true });
      for (const g of res.stopped) ctx.out(`gateway ${g} stopped`);
      await waitFor('the control plane to exit', 60_000, async () => !(await healthy(url)));
      await rm(join(dataDir, 'server.pid'), { force: true });
      ctx.out('control plane stopped');
    });
}
