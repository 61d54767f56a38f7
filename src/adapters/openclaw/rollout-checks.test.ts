import { describe, expect, it } from 'vitest';
import { backupArgs, doctorGate, parseBackup, parseDoctor, probeGates } from './rollout-checks.ts';

// Shapes as printed by `openclaw doctor --json` / `backup create --json` 2026.9.5 and 2026.9.6.
const doctor = JSON.stringify({
  schemaVersion: 1, ok: false, checksRun: 35, checksSkipped: 30,
  findings: [
    { checkId: 'core/doctor/heartbeat-cadence-migration', severity: 'warning', message: 'Create heartbeat monitor for agent "main" at 30m.' },
    { checkId: 'core/doctor/node-hosting-preconditions', severity: 'warning', message: 'Gateway is only bound to loopback.' },
  ],
});

describe('rollout checks (OpenClaw)', () => {
  it('doctor: findings at or above the severity fail; garbage fails with the output', () => {
    expect(doctorGate(parseDoctor(doctor), 'error')).toEqual({ gate: 'doctor', ok: true, message: '2 finding(s), none at error or above' });
    const warn = doctorGate(parseDoctor(`some banner\n${doctor}`), 'warning');
    expect(warn.ok).toBe(false);
    expect(warn.message).toMatch(/^2 finding\(s\) at warning or above: \[warning\] core\/doctor\/heartbeat-cadence-migration: Create heartbeat/);
    expect(doctorGate(parseDoctor('Segmentation fault'), 'error')).toEqual({ gate: 'doctor', ok: false, message: 'doctor printed no JSON report: Segmentation fault' });
  });

  it('backup: the archive path, or the exit code and stderr', () => {
    expect(backupArgs('/d')).toEqual(['backup', 'create', '--output', '/d', '--json']);
    expect(parseBackup('{"archivePath":"/d/x.tar.gz","verified":false}', 0, '')).toEqual({ path: '/d/x.tar.gz' });
    expect(parseBackup('', 1, 'disk full')).toEqual({ error: 'openclaw backup create exited 1: disk full' });
  });

  it('probe gates: readyz, health, channels, version', () => {
    const ok = probeGates({ live: true, ready: true, version: '2026.9.6', channels: { telegram: { configured: true, running: true, lastError: null } } }, { health: true, channels: true }, '2026.9.6');
    expect(ok.map((g) => [g.gate, g.ok])).toEqual([['readyz', true], ['health', true], ['channels', true], ['version', true]]);
    const bad = probeGates({ live: true, ready: false, failing: ['agents'], version: '2026.9.5', error: 'rpc: timeout', channels: { telegram: { configured: true, running: false, lastError: '401 Unauthorized' } } }, { health: true, channels: true }, '2026.9.6');
    expect(bad.filter((g) => !g.ok).map((g) => `${g.gate}: ${g.message}`)).toEqual([
      'readyz: not ready (failing: agents): rpc: timeout',
      'health: rpc: timeout',
      'channels: telegram: 401 Unauthorized',
      'version: runs 2026.9.5, expected 2026.9.6',
    ]);
    expect(probeGates({ live: true, ready: true }, { health: false, channels: false }, '2026.9.6').map((g) => g.gate)).toEqual(['readyz']);
  });
});
