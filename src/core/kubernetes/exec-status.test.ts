import { describe, expect, it } from 'vitest';
import { parseExecStatus } from './exec-status.ts';

const nonZero = (code: string) => ({
  metadata: {}, status: 'Failure', reason: 'NonZeroExitCode',
  message: `command terminated with non-zero exit code: error executing command [false], exit code ${code}`,
  details: { causes: [{ reason: 'ExitCode', message: code }] },
});

describe('parseExecStatus (pods/exec status channel)', () => {
  it('reads Success as 0 and NonZeroExitCode causes as the exit code', () => {
    expect(parseExecStatus({ metadata: {}, status: 'Success' })).toEqual({ exitCode: 0 });
    expect(parseExecStatus(nonZero('1'))).toEqual({ exitCode: 1 });
    expect(parseExecStatus(nonZero('137'))).toEqual({ exitCode: 137 });
  });

  it('takes the raw channel payload as text or bytes', () => {
    expect(parseExecStatus(JSON.stringify(nonZero('3')))).toEqual({ exitCode: 3 });
    expect(parseExecStatus(new TextEncoder().encode('{"status":"Success"}'))).toEqual({ exitCode: 0 });
    expect(parseExecStatus('{not json')).toEqual({ exitCode: null, message: 'unreadable exec status: {not json' });
  });

  it('reports a program that does not exist as 127 and other failures without an exit code', () => {
    const missing = { status: 'Failure', reason: 'InternalError', message: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown' };
    expect(parseExecStatus(missing)).toEqual({ exitCode: 127, message: missing.message });
    expect(parseExecStatus({ status: 'Failure', reason: 'InternalError', message: 'container not running' })).toEqual({ exitCode: null, message: 'container not running' });
    expect(parseExecStatus({ status: 'Failure', reason: 'NonZeroExitCode', message: 'x', details: { causes: [{ reason: 'ExitCode', message: 'abc' }] } })).toEqual({ exitCode: null, message: 'x' });
    expect(parseExecStatus({ status: 'Failure' })).toEqual({ exitCode: null, message: 'exec ended with status "Failure"' });
    expect(parseExecStatus(null)).toEqual({ exitCode: null, message: 'no exec status' });
  });
});
