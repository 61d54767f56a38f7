// Offline `clawplane export k8s|compose -f FLEET --out DIR`: render every gateway of a fleet file
// for a container target and write Kubernetes manifests or a Compose project. Refuses (exit 1,
// nothing written) on any preflight, schema or path problem. Secret values are never written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { exportCompose } from '../../core/compose/export-compose.ts';
import { CONTAINER_STATE_DIR, type GatewayContainerSpec, buildGatewayContainer } from '../../core/containers/gateway-container.ts';
import { type Issue, formatIssue, hasErrors } from '../../core/issues.ts';
import { exportKubernetes } from '../../core/kubernetes/export-kubernetes.ts';
import { createComposeValidator } from './compose-validate.ts';
import { ExportDirError, writeExportDir } from './export-dir.ts';
import { type OpenClawSchemaValidator, createOpenClawSchemaValidator } from '../../adapters/openclaw/schema-validate.ts';
import { REPO_ROOT, runPipeline } from './fleet-pipeline.ts';

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

interface CommonOpts {
  file: string;
  out: string;
  image?: string;
  force?: boolean;
}

// Compiling the OpenClaw schema takes seconds: one validator per process (not exported).
let schemaValidator: OpenClawSchemaValidator | undefined;
function validator(): OpenClawSchemaValidator {
  schemaValidator ??= createOpenClawSchemaValidator(join(REPO_ROOT, 'schemas'));
  return schemaValidator;
}

const IMAGE_RE = /^[a-z0-9][a-z0-9._\-/:@]{0,255}$/i;

function fail(io: Io, issues: Issue[] | string): void {
  if (typeof issues === 'string') io.err(`error: ${issues}\n`);
  else {
    const seen = new Set<string>();
    for (const i of issues) {
      const line = formatIssue(i);
      if (seen.has(line)) continue;
      seen.add(line);
      io.err(`${line}\n`);
    }
    io.err('export: nothing written (fix the errors above)\n');
  }
  process.exitCode = 1;
}

function containersFrom(o: CommonOpts, network: 'pod' | 'host', io: Io): { specs: { container: GatewayContainerSpec; namespace?: string }[] } | undefined {
  if (o.image !== undefined && !IMAGE_RE.test(o.image)) {
    fail(io, `--image "${o.image}" is not an image reference`);
    return undefined;
  }
  let text: string;
  try {
    text = readFileSync(o.file, 'utf8');
  } catch (e) {
    fail(io, `cannot read ${o.file}: ${(e as Error).message}`);
    return undefined;
  }
  const r = runPipeline(text, o.file, { stateDir: CONTAINER_STATE_DIR, validator: validator() });
  // Every container gets its own state volume at the same in-container path: not a shared dir.
  const issues = [...r.issues, ...(r.plan?.issues ?? []), ...(r.plan?.gateways.flatMap((g) => g.issues) ?? [])].filter((i) => i.code !== 'shared_state_dir');
  for (const i of issues.filter((x) => x.severity !== 'error')) io.err(`${formatIssue(i)}\n`);
  if (!r.plan || hasErrors(issues) || (!r.ok && r.issues.length > 0)) {
    fail(io, issues.filter((i) => i.severity === 'error'));
    return undefined;
  }
  if (r.plan.gateways.length === 0) {
    fail(io, `${o.file} has no Gateway: nothing to export`);
    return undefined;
  }
  const specs = r.plan.gateways.map((p) => {
    const rendered = p.rendered ?? { files: {}, env: [], issues: [] };
    const container = buildGatewayContainer({
      effective: p.effective, files: rendered.files, envNames: rendered.env.map((e) => e.name), network,
      ...(o.image ? { imageOverride: o.image } : {}),
    });
    return { container, ...(p.effective.target.namespace ? { namespace: p.effective.target.namespace } : {}) };
  });
  return { specs };
}

function write(o: CommonOpts, kind: string, files: Record<string, string>, io: Io): void {
  try {
    const written = writeExportDir(o.out, kind, files, { force: o.force === true });
    io.out(`wrote ${written.length} files to ${o.out}\n`);
  } catch (e) {
    if (e instanceof ExportDirError) fail(io, e.message);
    else throw e;
  }
}

export function registerExportCommands(program: Command, io: Io): void {
  const exp = program.command('export').description('write a fleet as Kubernetes manifests or a Compose project (offline; secret values are never written)');
  exp
    .command('k8s')
    .alias('kubernetes')
    .description('Kubernetes manifests: per gateway a StatefulSet, ConfigMap, Service, NetworkPolicy, PodDisruptionBudget; a Namespace per org')
    .requiredOption('-f, --file <fleet>', 'fleet file (YAML or JSON5)')
    .requiredOption('--out <dir>', 'output directory (empty, or an earlier k8s export)')
    .option('--image <ref>', 'image for every gateway (default: target.image or ghcr.io/openclaw/openclaw:<version>)')
    .option('--image-pull-policy <policy>', 'IfNotPresent, Never or Always', 'IfNotPresent')
    .option('--host-network', 'pods use the host network and bind loopback (single node, podman kube play)')
    .option('--kube-play', 'also write podman/<ns>/<gateway>.yaml for `podman kube play` (implies --host-network)')
    .option('--storage-size <size>', 'state PVC size', '5Gi')
    .option('--storage-class <name>', 'state PVC storage class')
    .option('--force', 'write into a non-empty directory that holds no earlier k8s export')
    .action((o: CommonOpts & { imagePullPolicy: string; hostNetwork?: boolean; kubePlay?: boolean; storageSize: string; storageClass?: string }) => {
      if (!['IfNotPresent', 'Never', 'Always'].includes(o.imagePullPolicy)) return fail(io, `--image-pull-policy must be IfNotPresent, Never or Always, not "${o.imagePullPolicy}"`);
      if (!/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti)$/.test(o.storageSize)) return fail(io, `--storage-size "${o.storageSize}" must be a quantity like 5Gi`);
      if (o.storageClass !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(o.storageClass)) return fail(io, `--storage-class "${o.storageClass}" is not a valid name`);
      const network = o.hostNetwork || o.kubePlay ? 'host' : 'pod';
      const c = containersFrom(o, network, io);
      if (!c) return;
      const result = exportKubernetes(c.specs, {
        network, kubePlay: o.kubePlay === true, imagePullPolicy: o.imagePullPolicy as 'IfNotPresent' | 'Never' | 'Always',
        storage: { size: o.storageSize, ...(o.storageClass ? { storageClassName: o.storageClass } : {}) },
      });
      if (hasErrors(result.issues)) return fail(io, result.issues);
      write(o, 'k8s', result.files, io);
    });
  exp
    .command('compose')
    .description('a Compose project: one service per gateway (host network, loopback), named state volumes, healthchecks on /readyz')
    .requiredOption('-f, --file <fleet>', 'fleet file (YAML or JSON5)')
    .requiredOption('--out <dir>', 'output directory (empty, or an earlier compose export)')
    .option('--image <ref>', 'image for every gateway (default: target.image or ghcr.io/openclaw/openclaw:<version>)')
    .option('--pull-never', 'pull_policy: never (images that exist only locally)')
    .option('--force', 'write into a non-empty directory that holds no earlier compose export')
    .action((o: CommonOpts & { pullNever?: boolean }) => {
      const c = containersFrom(o, 'host', io);
      if (!c) return;
      const result = exportCompose(c.specs.map((s) => s.container), { pullNever: o.pullNever === true });
      const issues = createComposeValidator(join(REPO_ROOT, 'schemas'))(result.compose);
      if (issues.length > 0) return fail(io, issues);
      write(o, 'compose', result.files, io);
    });
}
