// Diagnostic exec in a gateway (ADR 0014): limits, validation of the argument array and the
// redaction of the argv that goes into the audit log. Pure.
import { REDACTED, SECRET_KEY_PATTERN } from './redact.ts';

/** At most this many arguments. */
export const EXEC_MAX_ARGS = 256;
/** At most this many bytes (UTF-8) over all arguments. */
export const EXEC_MAX_ARGV_BYTES = 32 * 1024;
/** stdout and stderr are each cut at this many bytes (the result says `truncated`). */
export const EXEC_OUTPUT_LIMIT = 1024 * 1024;
export const EXEC_DEFAULT_TIMEOUT_SECONDS = 60;
/** Below the 300 s response-header timeout of Node's fetch (the CLI waits for the whole result). */
export const EXEC_MAX_TIMEOUT_SECONDS = 240;

const utf8 = new TextEncoder();

export interface ExecInput {
  command: string[];
  timeoutSeconds: number;
}

/** Validates `{command: string[], timeoutSeconds?}`; returns the input or the problem (naming the field). */
export function parseExecInput(body: unknown): ExecInput | { error: string } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { error: 'body must be an object {command: string[], timeoutSeconds?}' };
  const b = body as Record<string, unknown>;
  const extra = Object.keys(b).filter((k) => k !== 'command' && k !== 'timeoutSeconds');
  if (extra.length > 0) return { error: `unknown field(s) ${extra.join(', ')}; expected command, timeoutSeconds` };
  const cmd = b.command;
  if (!Array.isArray(cmd)) return { error: 'command must be an array of strings (argv, no shell), e.g. ["openclaw", "--version"]' };
  if (cmd.length === 0) return { error: 'command is empty: give the program and its arguments' };
  if (cmd.length > EXEC_MAX_ARGS) return { error: `command has ${cmd.length} arguments; at most ${EXEC_MAX_ARGS}` };
  let bytes = 0;
  for (const [i, a] of cmd.entries()) {
    if (typeof a !== 'string') return { error: `command[${i}] must be a string, not ${a === null ? 'null' : typeof a}` };
    if (a.includes('\0')) return { error: `command[${i}] contains a NUL byte` };
    bytes += utf8.encode(a).length;
  }
  if ((cmd[0] as string) === '') return { error: 'command[0] (the program) is empty' };
  if (bytes > EXEC_MAX_ARGV_BYTES) return { error: `command is ${bytes} bytes; at most ${EXEC_MAX_ARGV_BYTES}` };
  let timeoutSeconds = EXEC_DEFAULT_TIMEOUT_SECONDS;
  if (b.timeoutSeconds !== undefined) {
    const t = b.timeoutSeconds;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > EXEC_MAX_TIMEOUT_SECONDS) return { error: `timeoutSeconds must be an integer between 1 and ${EXEC_MAX_TIMEOUT_SECONDS}` };
    timeoutSeconds = t;
  }
  return { command: cmd as string[], timeoutSeconds };
}

const FLAG_RE = /^--?([A-Za-z0-9][A-Za-z0-9_.-]*)$/;
const FLAG_VALUE_RE = /^(--?[A-Za-z0-9][A-Za-z0-9_.-]*=)(.*)$/s;
const ASSIGN_RE = /^([A-Za-z_][A-Za-z0-9_]*=)(.*)$/s;

/**
 * The argv as it may be audited: every known secret value (the gateway's resolved env) replaced
 * wherever it occurs, values of secret-looking flags (`--token X`, `--api-key=X`) and assignments
 * (`API_TOKEN=X`) replaced.
 */
export function redactArgv(argv: readonly string[], secretValues: readonly string[]): string[] {
  const secrets = [...new Set(secretValues)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  const out: string[] = [];
  let hideNext = false;
  for (const raw of argv) {
    let a = raw;
    for (const s of secrets) if (a.includes(s)) a = a.split(s).join(REDACTED);
    if (hideNext) {
      hideNext = false;
      out.push(FLAG_RE.test(a) ? a : REDACTED);
      if (!FLAG_RE.test(a)) continue;
    } else {
      const fv = FLAG_VALUE_RE.exec(a);
      const as = fv ? undefined : ASSIGN_RE.exec(a);
      const key = fv?.[1]?.replace(/^-+|=$/g, '') ?? as?.[1]?.slice(0, -1);
      if (key !== undefined && SECRET_KEY_PATTERN.test(key.replace(/[-.]/g, '_'))) {
        out.push(`${(fv ?? as)![1]}${REDACTED}`);
        continue;
      }
      out.push(a);
    }
    const flag = FLAG_RE.exec(a)?.[1];
    if (flag && SECRET_KEY_PATTERN.test(flag.replace(/[-.]/g, '_'))) hideNext = true;
  }
  return out;
}

/** Cuts a text at `limit` UTF-8 bytes (never in the middle of a character). */
export function capText(text: string, limit = EXEC_OUTPUT_LIMIT): { text: string; truncated: boolean } {
  const buf = utf8.encode(text);
  if (buf.length <= limit) return { text, truncated: false };
  let end = limit;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return { text: new TextDecoder().decode(buf.subarray(0, end)), truncated: true };
}
