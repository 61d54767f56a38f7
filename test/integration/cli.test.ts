// The real CLI against a real `clawplane serve` process, on SQLite and on PostgreSQL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanForSecret } from '../helpers/leak-scan.ts';
import { withPostgresDatabase } from '../helpers/postgres.ts';
import { ROOT, type ServerProcess, runCli, startServerProcess } from '../helpers/cli.ts';

const fixture = join(ROOT, 'test', 'fixtures', 'small-fleet.yaml');

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`clawplane CLI against serve on ${backend}`, () => {
    let dir: string;
    let server: ServerProcess;
    let drop: (() => Promise<void>) | undefined;
    let env: NodeJS.ProcessEnv;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'clawplane-cli-'));
      let database: string | undefined;
      if (backend === 'postgres') {
        const db = await withPostgresDatabase();
        database = db.url;
        drop = db.drop;
      }
      server = await startServerProcess(dir, { reconcile: false, ...(database ? { database } : {}) });
      env = { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: server.token };
    });
    afterAll(async () => {
      await server?.stop();
      await drop?.();
      await rm(dir, { recursive: true, force: true });
    });

    it('apply, get -o json|yaml|table, diff, describe, delete, audit verify', async () => {
      const applied = await runCli(['apply', '-f', fixture], env);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain('gateway/support-gw created');
      const json = await runCli(['get', 'gateways', '-o', 'json'], env);
      expect(json.code).toBe(0);
      const list = JSON.parse(json.stdout) as { items: { metadata: { name: string; labels: Record<string, string> }; spec: { port: number } }[] };
      expect(list.items.map((g) => [g.metadata.name, g.spec.port])).toEqual([['ops-gw', 19000], ['support-gw', 18800]]);
      const table = await runCli(['get', 'gateways', '-l', 'env=prod'], env);
      expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+STATE\s+VERSION\s+PORT\s+AGENTS\s+HEALTH\s+RESTARTS\s+AGE/);
      expect(table.stdout).toContain('support-gw');
      expect(table.stdout).not.toContain('ops-gw');
      const yaml = await runCli(['get', 'agent', 'helpdesk', '-o', 'yaml'], env);
      expect(yaml.stdout).toContain('model: anthropic/claude-sonnet-4-6');
      const unchanged = await runCli(['diff', '-f', fixture], env);
      expect(unchanged.stdout.trim()).toBe('no changes');
      const describeOut = await runCli(['describe', 'gateway/support-gw'], env);
      expect(describeOut.stdout).toContain('resource.create');
      const deleted = await runCli(['delete', 'gateway/ops-gw'], env);
      expect(deleted.stdout).toContain('gateway/ops-gw deleted');
      const verify = await runCli(['audit', 'verify'], env);
      expect(verify.code).toBe(0);
      expect(verify.stdout).toMatch(/intact: \d+ event/);
    });

    it('exits non-zero with each problem named for a bad fleet file, applying nothing', async () => {
      const bad = `kind: Gateway\nmetadata: { name: Bad_Name, org: acme }\nspec: { port: 80, nope: 1 }\n---\nkind: Agent\nmetadata: { name: a1, org: acme, gateway: nowhere }\nspec: {}\n`;
      const res = await runCli(['apply', '-f', '-'], env, bad);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('document 0');
      expect(res.stderr).toContain('metadata.name');
      expect(res.stderr).toContain('spec.port');
      const missing = await runCli(['apply', '-f', '/nonexistent/fleet.yaml'], env);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/cannot read \/nonexistent\/fleet.yaml: ENOENT/);
      const noAuth = await runCli(['get', 'gateways'], { CLAWPLANE_URL: server.url, CLAWPLANE_TOKEN: 'cpt_wrong' });
      expect(noAuth.code).toBe(1);
      expect(noAuth.stderr).toContain('invalid API token');
    });

    it('never writes the admin token in plain text to the data dir or the log', async () => {
      if (backend === 'sqlite') expect(await scanForSecret([dir], server.token)).toEqual([]);
      expect(server.logs()).not.toContain(server.token);
    });
  });
}
