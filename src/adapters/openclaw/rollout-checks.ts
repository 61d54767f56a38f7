// OpenClaw's side of rollout health gates and pre-upgrade backups (ADR 0010), pure: the CLI
// invocations (run by RuntimeDriver.exec with the gateway's own runtime, HOME and state dir) and the
// interpretation of their output and of a deep probe.
import type { HealthReport } from '../../core/ports/claw-adapter.ts';
import type { GateResult } from '../../core/rollout.ts';

export const DOCTOR_ARGS = ['doctor', '--json'];
export const SEVERITY_RANK: Record<string, number> = { info: 1, warning: 2, error: 3, critical: 4 };

export interface DoctorFinding {
  checkId: string;
  severity: string;
  message: string;
}

/** `openclaw backup create` into `dir` (works while the gateway runs; SQLite via the online backup API). */
export function backupArgs(dir: string): string[] {
  return ['backup', 'create', '--output', dir, '--json'];
}

function lastJsonObject(stdout: string): Record<string, unknown> | undefined {
  const start = stdout.indexOf('{');
  if (start < 0) return undefined;
  try {
    const v: unknown = JSON.parse(stdout.slice(start));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function parseDoctor(stdout: string): { findings: DoctorFinding[] } | { error: string } {
  const body = lastJsonObject(stdout);
  if (!body || !Array.isArray(body.findings)) return { error: `doctor printed no JSON report${stdout.trim() ? `: ${stdout.trim().slice(0, 200)}` : ''}` };
  const findings = body.findings.map((f) => {
    const o = (f ?? {}) as Record<string, unknown>;
    return { checkId: String(o.checkId ?? '?'), severity: String(o.severity ?? 'unknown'), message: String(o.message ?? '') };
  });
  return { findings };
}

/** Findings at or above `min` fail the gate (unknown severities count as errors). */
export function doctorGate(parsed: { findings: DoctorFinding[] } | { error: string }, min: string): GateResult {
  if ('error' in parsed) return { gate: 'doctor', ok: false, message: parsed.error };
  const floor = SEVERITY_RANK[min] ?? 3;
  const bad = parsed.findings.filter((f) => (SEVERITY_RANK[f.severity] ?? 3) >= floor);
  if (bad.length === 0) return { gate: 'doctor', ok: true, message: `${parsed.findings.length} finding(s), none at ${min} or above` };
  return { gate: 'doctor', ok: false, message: `${bad.length} finding(s) at ${min} or above: ${bad.slice(0, 3).map((f) => `[${f.severity}] ${f.checkId}: ${f.message}`).join('; ')}` };
}

export function parseBackup(stdout: string, code: number | null, stderr: string): { path: string } | { error: string } {
  const body = lastJsonObject(stdout);
  const path = body?.archivePath;
  if (code === 0 && typeof path === 'string' && path) return { path };
  return { error: `openclaw backup create exited ${code ?? 'by signal'}: ${(stderr || stdout).trim().slice(0, 300) || 'no output'}` };
}

/** readyz, health RPC, channels and version gates from one deep probe. */
export function probeGates(report: HealthReport, opts: { health: boolean; channels: boolean }, expectVersion: string): GateResult[] {
  const out: GateResult[] = [];
  out.push({ gate: 'readyz', ok: report.ready, message: report.ready ? 'ready' : `not ready${report.failing?.length ? ` (failing: ${report.failing.join(', ')})` : ''}${report.error ? `: ${report.error}` : ''}` });
  if (opts.health) {
    const ok = report.live && !report.error;
    out.push({ gate: 'health', ok, message: ok ? 'health RPC ok' : (report.error ?? 'not live') });
  }
  if (opts.channels) {
    const broken = Object.entries(report.channels ?? {}).filter(([, c]) => c.configured && (!c.running || (typeof c.lastError === 'string' && c.lastError !== '')));
    out.push({
      gate: 'channels', ok: broken.length === 0,
      message: broken.length === 0
        ? `${Object.keys(report.channels ?? {}).length} channel(s) ok`
        : broken.map(([id, c]) => `${id}: ${c.lastError ?? 'not running'}`).join('; '),
    });
  }
  if (report.version !== undefined && expectVersion) {
    out.push({ gate: 'version', ok: report.version === expectVersion, message: `runs ${report.version}${report.version === expectVersion ? '' : `, expected ${expectVersion}`}` });
  }
  return out;
}
