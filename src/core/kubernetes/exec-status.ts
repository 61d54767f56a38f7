// The exit of a command run through the pods/exec subresource, read from the Status object the
// API server sends on channel 3 (the error/status channel of the k8s channel protocol). Pure.
//   {status: "Success"}                                              → exit 0
//   {status: "Failure", reason: "NonZeroExitCode",
//    details: {causes: [{reason: "ExitCode", message: "3"}]}}        → exit 3
//   {status: "Failure", reason: "InternalError", message: "... executable file not found in $PATH"}
//                                                                    → 127 (as a shell and the docker driver report it)
//   any other Failure                                                → no exit code, the message

export interface ExecExit {
  exitCode: number | null;
  /** The API server's message when the command did not run or ended abnormally. */
  message?: string;
}

const NOT_FOUND_RE = /executable file not found|no such file or directory/i;

/** Parse the status channel payload (the JSON text, or the already-parsed object). */
export function parseExecStatus(payload: unknown): ExecExit {
  let status: unknown = payload;
  if (typeof payload === 'string' || payload instanceof Uint8Array) {
    const text = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
    try {
      status = JSON.parse(text) as unknown;
    } catch {
      return { exitCode: null, message: `unreadable exec status: ${text.slice(0, 200)}` };
    }
  }
  if (typeof status !== 'object' || status === null) return { exitCode: null, message: 'no exec status' };
  const s = status as { status?: unknown; reason?: unknown; message?: unknown; details?: { causes?: { reason?: unknown; message?: unknown }[] } };
  if (s.status === 'Success') return { exitCode: 0 };
  const message = typeof s.message === 'string' && s.message !== '' ? s.message : undefined;
  if (s.reason === 'NonZeroExitCode') {
    const cause = s.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = typeof cause?.message === 'string' && /^\d+$/.test(cause.message) ? Number(cause.message) : undefined;
    if (code !== undefined) return { exitCode: code };
    return { exitCode: null, message: message ?? 'non-zero exit code without a number' };
  }
  if (message && NOT_FOUND_RE.test(message)) return { exitCode: 127, message };
  return { exitCode: null, message: message ?? `exec ended with status ${JSON.stringify(s.status ?? null)}` };
}
