import { describe, expect, it } from 'vitest';
import { EXEC_MAX_ARGS, capText, parseExecInput, redactArgv } from './exec-command.ts';

describe('parseExecInput', () => {
  it('accepts an argv and a timeout', () => {
    expect(parseExecInput({ command: ['openclaw', '--version'] })).toEqual({ command: ['openclaw', '--version'], timeoutSeconds: 60 });
    expect(parseExecInput({ command: ['ls'], timeoutSeconds: 5 })).toEqual({ command: ['ls'], timeoutSeconds: 5 });
  });
  it.each([
    [null, /body must be an object/],
    [{ command: 'ls -la' }, /command must be an array/],
    [{ command: [] }, /command is empty/],
    [{ command: [''] }, /command\[0\] \(the program\) is empty/],
    [{ command: ['ls', 3] }, /command\[1\] must be a string, not number/],
    [{ command: ['ls', 'a\0b'] }, /command\[1\] contains a NUL/],
    [{ command: Array.from({ length: EXEC_MAX_ARGS + 1 }, () => 'x') }, /at most 256/],
    [{ command: ['echo', 'x'.repeat(40_000)] }, /bytes; at most/],
    [{ command: ['ls'], timeoutSeconds: 0 }, /timeoutSeconds must be an integer between 1 and 240/],
    [{ command: ['ls'], timeoutSeconds: '5' }, /timeoutSeconds/],
    [{ command: ['ls'], shell: true }, /unknown field\(s\) shell/],
  ])('refuses %j', (body, msg) => {
    const r = parseExecInput(body);
    expect('error' in r && r.error).toMatch(msg);
  });
});

describe('redactArgv', () => {
  it('replaces known secret values, secret flags and assignments', () => {
    const secret = 'tok-0123456789abcdef';
    expect(redactArgv(['node', '-e', `check("${secret}")`, secret], [secret])).toEqual(['node', '-e', 'check("[REDACTED]")', '[REDACTED]']);
    expect(redactArgv(['curl', '--token', 'abc', '--api-key=xyz', '-v'], [])).toEqual(['curl', '--token', '[REDACTED]', '--api-key=[REDACTED]', '-v']);
    expect(redactArgv(['env', 'OPENAI_API_KEY=sk-1', 'PATH=/bin', 'ls'], [])).toEqual(['env', 'OPENAI_API_KEY=[REDACTED]', 'PATH=/bin', 'ls']);
    expect(redactArgv(['openclaw', '--password', '--verbose'], [])).toEqual(['openclaw', '--password', '--verbose']);
    expect(redactArgv(['openclaw', 'status', '--max-tokens', '5'], [])).toEqual(['openclaw', 'status', '--max-tokens', '5']);
  });
});

describe('capText', () => {
  it('cuts at a byte limit on a character boundary', () => {
    expect(capText('abc', 10)).toEqual({ text: 'abc', truncated: false });
    expect(capText('aé€', 4)).toEqual({ text: 'aé', truncated: true });
  });
});
