// `clawplane runtime image build openclaw@VERSION`: builds the local OpenClaw container image
// (localhost/openclaw:VERSION) from the installed runtime into Docker Engine and/or Podman, for
// hosts without a registry. Runs on this host (talks to the engine sockets, not to the API).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.ts';
import { formatTable } from '../output.ts';
import { defaultDataDir } from './local-commands.ts';

const ENGINES = ['docker', 'podman', 'all'] as const;

export function registerImageCommands(program: Command, ctx: CliContext): void {
  const runtime = program.commands.find((c) => c.name() === 'runtime') ?? program.command('runtime').description('OpenClaw runtimes');
  const image = runtime.command('image').description('Local container images of installed runtimes (docker target without a registry)');
  image
    .command('build <spec>')
    .description('build localhost/openclaw:VERSION from the installed openclaw@VERSION (no registry needed)')
    .option('--engine <engine>', `docker (env CLAWPLANE_DOCKER_HOST), podman (env CLAWPLANE_PODMAN_HOST) or all`, 'docker')
    .option('--host <url>', 'engine socket, unix:///path or tcp://host:port (overrides the env)')
    .option('--runtimes-dir <dir>', 'where runtimes are installed (env CLAWPLANE_RUNTIMES_DIR; default <data dir>/runtimes)')
    .option('--data-dir <dir>', 'data dir', defaultDataDir())
    .option('--force', 'rebuild even when an image with the same content exists')
    .action(async (spec: string, o: { engine: string; host?: string; runtimesDir?: string; dataDir: string; force?: boolean }) => {
      if (!(ENGINES as readonly string[]).includes(o.engine)) throw new Error(`--engine must be one of ${ENGINES.join(', ')}, not ${JSON.stringify(o.engine)}`);
      const engines = o.engine === 'all' ? (['docker', 'podman'] as const) : ([o.engine] as ['docker' | 'podman']);
      const { buildRuntimeImages } = await import('../../composition/runtime-image.ts');
      const results = await buildRuntimeImages({
        spec, engines: [...engines], dataDir: resolve(o.dataDir),
        ...(o.host ? { host: o.host } : {}), ...(o.runtimesDir ? { runtimesDir: resolve(o.runtimesDir) } : {}), ...(o.force ? { force: true } : {}),
      });
      ctx.out(formatTable(['ENGINE', 'IMAGE', 'ID', 'RESULT', 'SECONDS'], results.map((r) => [
        r.engine, r.image, r.id.replace(/^sha256:/, '').slice(0, 12), r.built ? 'built' : 'up to date', r.seconds.toFixed(1),
      ])));
    });
}
