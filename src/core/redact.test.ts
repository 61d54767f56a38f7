import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LOG_REDACT_PATHS, logRedactOptions, REDACTED, redactSecrets, SECRET_KEY_PATTERN } from './redact.ts';

describe('redactSecrets', () => {
  it('redacts values of secret-looking keys at any depth', () => {
    const input = {
      gateway: { auth: { mode: 'token', token: 'gw-tok' }, port: 18789 },
      channels: {
        telegram: { accounts: { main: { botToken: '123:abc', tokenFile: '/run/tg', dmPolicy: 'pairing' } } },
        slack: { appToken: 'xapp-1', signingSecret: 'sig', userToken: 'xoxp' },
      },
      models: { providers: { openai: { apiKey: 'sk-1', api_key: 'sk-2', maxTokens: 4096 } } },
      env: { OPENCLAW_GATEWAY_TOKEN: 'envtok', PATH: '/usr/bin' },
      password: 12345,
      credentials: { user: 'bob', nested: ['a', { b: 'c' }], configured: true },
    };
    expect(redactSecrets(input)).toEqual({
      gateway: { auth: { mode: 'token', token: REDACTED }, port: 18789 },
      channels: {
        telegram: { accounts: { main: { botToken: REDACTED, tokenFile: '/run/tg', dmPolicy: 'pairing' } } },
        slack: { appToken: REDACTED, signingSecret: REDACTED, userToken: REDACTED },
      },
      models: { providers: { openai: { apiKey: REDACTED, api_key: REDACTED, maxTokens: 4096 } } },
      env: { OPENCLAW_GATEWAY_TOKEN: REDACTED, PATH: '/usr/bin' },
      password: REDACTED,
      credentials: { user: REDACTED, nested: [REDACTED, { b: REDACTED }], configured: true },
    });
    // input is untouched
    expect(input.gateway.auth.token).toBe('gw-tok');
  });

  it('keeps secret references, which hold no secret', () => {
    const input = {
      spec: { credentials: { botToken: { secretRef: 'tg-token' } }, env: { TG_TOKEN: { secretRef: 'tg' } } },
      gateway: { auth: { token: { source: 'env', provider: 'default', id: 'OPENCLAW_GATEWAY_TOKEN' } } },
      secretRef: 'x',
    };
    expect(redactSecrets(input)).toEqual(input);
  });

  it('replaces exact secret values inside any string, longest first', () => {
    const out = redactSecrets(
      { msg: 'connect with abc123 then abc123456 failed', list: ['abc123'], n: 3, e: new Error('bad token abc123') },
      { values: ['abc123', 'abc123456', ''] },
    );
    expect(out).toEqual({ msg: `connect with ${REDACTED} then ${REDACTED} failed`, list: [REDACTED], n: 3, e: { name: 'Error', message: `bad token ${REDACTED}` } });
    expect(redactSecrets('plain abc', { values: [] })).toBe('plain abc');
  });

  it('honours a custom key pattern (a /g flag does not make it stateful) and survives cycles', () => {
    const a: Record<string, unknown> = { pin: '1', pin2: '2', other: 'x' };
    a.self = a;
    const out = redactSecrets(a, { keys: /^pin/g });
    expect(out).toEqual({ pin: REDACTED, pin2: REDACTED, other: 'x', self: '[Circular]' });
    // the same object twice (not a cycle) is redacted both times
    const shared = { token: 't' };
    expect(redactSecrets({ a: shared, b: shared })).toEqual({ a: { token: REDACTED }, b: { token: REDACTED } });
  });

  it('matches the key names of the brief and spares look-alikes', () => {
    for (const k of ['token', 'password', 'secret', 'apiKey', 'botToken', 'appToken', 'signingSecret', 'credentials', 'OPENCLAW_GATEWAY_TOKEN', 'webhookSecret']) {
      expect(SECRET_KEY_PATTERN.test(k), k).toBe(true);
    }
    for (const k of ['maxTokens', 'tokenFile', 'secretRef', 'secrets', 'mode', 'name']) {
      expect(SECRET_KEY_PATTERN.test(k), k).toBe(false);
    }
  });

  it('does not let __proto__ keys pollute the copy', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "token": "t"}') as Record<string, unknown>;
    const out = redactSecrets(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(out.token).toBe(REDACTED);
  });
});

describe('pino redaction paths', () => {
  it('censor secrets in real pino output', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = pino({ redact: logRedactOptions() }, sink);
    log.info({ token: 'T1', gateway: { auth: { token: 'T2' } }, deployment: { env: { OPENCLAW_GATEWAY_TOKEN: 'T3' } }, req: { headers: { authorization: 'Bearer T4' } }, apiKey: 'T5', ok: 'visible' }, 'hello');
    const out = lines.join('');
    for (const t of ['T1', 'T2', 'T3', 'T4', 'T5']) expect(out).not.toContain(`"${t}`);
    expect(out).toContain('visible');
    expect(out).toContain(REDACTED);
    expect(LOG_REDACT_PATHS).toContain('*.botToken');
  });
});
