// Reading Linux /proc: process liveness, identity (by environment) and process groups.
import { readdir, readFile } from 'node:fs/promises';
import { environMatchesStateDir, parseProcStat, type ProcStat } from './proc-parse.ts';

export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Alive = exists in /proc and is not a zombie. */
export async function isPidAlive(pid: number): Promise<boolean> {
  const st = await readProcStat(pid);
  return st !== undefined && st.state !== 'Z' && st.state !== 'X';
}

/** True when `pid` is alive and its environment says it owns `stateDir`. */
export async function isGatewayProcess(pid: number, stateDir: string): Promise<boolean> {
  if (!(await isPidAlive(pid))) return false;
  try {
    return environMatchesStateDir(await readFile(`/proc/${pid}/environ`), stateDir);
  } catch {
    return false;
  }
}

async function listPids(): Promise<number[]> {
  const entries = await readdir('/proc');
  return entries.filter((e) => /^\d+$/.test(e)).map(Number);
}

/** Live (non-zombie) members of a process group. */
export async function processGroupMembers(pgid: number): Promise<ProcStat[]> {
  const out: ProcStat[] = [];
  for (const pid of await listPids()) {
    const st = await readProcStat(pid);
    if (st && st.pgrp === pgid && st.state !== 'Z' && st.state !== 'X') out.push(st);
  }
  return out;
}

/** Every live process whose environment carries OPENCLAW_STATE_DIR=<stateDir> (orphan check). */
export async function findProcessesByStateDir(stateDir: string): Promise<number[]> {
  const out: number[] = [];
  for (const pid of await listPids()) {
    if (pid === process.pid) continue;
    if (await isGatewayProcess(pid, stateDir)) out.push(pid);
  }
  return out;
}

/** Send a signal to a process group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

export function signalPid(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** System uptime in seconds (for CPU accounting). */
export async function readUptimeSeconds(): Promise<number> {
  const text = await readFile('/proc/uptime', 'utf8');
  return Number(text.split(/\s+/)[0]);
}

/** The environment of a live process (NAME=value pairs), undefined when it is gone or unreadable. */
export async function readProcEnviron(pid: number): Promise<Record<string, string> | undefined> {
  try {
    const raw = await readFile(`/proc/${pid}/environ`, 'utf8');
    const env: Record<string, string> = {};
    for (const kv of raw.split('\0')) {
      const i = kv.indexOf('=');
      if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
    }
    return env;
  } catch {
    return undefined;
  }
}
