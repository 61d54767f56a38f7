// Pure parsers for Linux /proc files. No I/O here: callers pass the raw bytes/text.

/** Parse /proc/<pid>/environ (NUL-separated KEY=VALUE entries) into a Map. */
export function parseEnviron(raw: string | Uint8Array): Map<string, string> {
  const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
  const env = new Map<string, string>();
  for (const entry of text.split('\0')) {
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

/**
 * True when the environ belongs to the gateway that owns `stateDir`. A recycled pid (some other
 * process) has a different or no OPENCLAW_STATE_DIR; a zombie has an empty environ.
 */
export function environMatchesStateDir(raw: string | Uint8Array, stateDir: string): boolean {
  return parseEnviron(raw).get('OPENCLAW_STATE_DIR') === stateDir;
}

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgrp: number;
  /** clock ticks in user / kernel mode */
  utime: number;
  stime: number;
  /** clock ticks after boot */
  starttime: number;
  /** resident set size in pages */
  rssPages: number;
}

/** Parse /proc/<pid>/stat. `comm` may contain spaces and parentheses: split at the LAST ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const comm = text.slice(open + 1, close);
  // Fields after comm start at field 3 (state).
  const rest = text.slice(close + 2).trim().split(/\s+/);
  const field = (n: number): number => Number(rest[n - 3]);
  const state = rest[0];
  if (!Number.isInteger(pid) || state === undefined || rest.length < 22) return undefined;
  return {
    pid,
    comm,
    state,
    ppid: field(4),
    pgrp: field(5),
    utime: field(14),
    stime: field(15),
    starttime: field(22),
    rssPages: field(24),
  };
}
