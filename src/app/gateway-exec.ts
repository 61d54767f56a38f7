// Diagnostic exec in a running gateway (ADR 0014): org admins only, argv only (no shell), audited
// as gateway.exec with the argv (secrets redacted) before it runs; the output is never audited.
import { EXEC_OUTPUT_LIMIT, capText, parseExecInput, redactArgv } from '../core/exec-command.ts';
import { type Actor, authorize } from './actor.ts';
import type { AppDeps } from './app-deps.ts';
import { AppError } from './app-error.ts';
import { recordAudit } from './record-audit.ts';

export interface GatewayExecResponse {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  timedOut: boolean;
}

export async function execInGateway(deps: AppDeps, actor: Actor, org: string, name: string, body: unknown, requestId?: string): Promise<GatewayExecResponse> {
  authorize(actor, org, 'admin');
  const input = parseExecInput(body);
  if ('error' in input) throw new AppError('invalid', input.error);
  const gw = await deps.store.transaction((repos) => repos.resources.get(org, 'Gateway', name));
  if (!gw) throw new AppError('not_found', `Gateway "${name}" not found in organization "${org}"`);
  const ops = deps.runtime;
  if (!ops?.exec || !ops.execContext) throw new AppError('unavailable', 'no runtime is attached to this control plane');
  const ctx = await ops.execContext(org, name);
  if (ctx.phase !== 'running') throw new AppError('conflict', `gateway "${name}" is not running (${ctx.phase}); exec needs a running gateway`);
  // Fail closed: without the gateway's secret values the audited argv could not be redacted.
  if (ctx.unresolved !== undefined) throw new AppError('unavailable', `cannot load gateway "${name}" to redact the audited command: ${ctx.unresolved}`);
  if (!ctx.canExec) throw new AppError('unavailable', `exec is not supported on target ${ctx.target}`);
  await deps.store.transaction((repos) => recordAudit(repos, actor, {
    org, action: 'gateway.exec', target: `Gateway/${name}`,
    diff: { command: redactArgv(input.command, ctx.secretValues), timeoutSeconds: input.timeoutSeconds, target: ctx.target },
    ...(requestId ? { requestId } : {}),
  }, deps.now()));
  let r;
  try {
    r = await ops.exec(org, name, input.command, { timeoutMs: input.timeoutSeconds * 1000 });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/is not running/.test(msg)) throw new AppError('conflict', `gateway "${name}" is not running; exec needs a running gateway`);
    throw e;
  }
  const out = capText(r.stdout, EXEC_OUTPUT_LIMIT);
  const err = capText(r.stderr, EXEC_OUTPUT_LIMIT);
  return { exitCode: r.exitCode, stdout: out.text, stderr: err.text, truncated: Boolean(r.truncated) || out.truncated || err.truncated, timedOut: Boolean(r.timedOut) };
}
