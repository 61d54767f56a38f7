// Redaction of secrets in values headed for audit diffs and logs. Pure: returns a redacted copy.
export const REDACTED = '[REDACTED]';

/**
 * Keys whose values are secret: token, password, secret, apiKey, botToken, appToken, signingSecret,
 * credentials, OPENCLAW_GATEWAY_TOKEN… Matches on the end of the key, so `maxTokens`, `tokenFile`
 * and `secretRef` (a reference, not a value) are kept.
 */
export const SECRET_KEY_PATTERN = /(?:token|password|passwd|passphrase|secret|api[-_]?key|credentials?|private[-_]?key|authorization|cookie|master[-_]?key)$/i;

export interface RedactOptions {
  /** Keys whose values are replaced (default SECRET_KEY_PATTERN). */
  keys?: RegExp;
  /** Exact secret values replaced wherever they occur inside strings (empty strings are ignored). */
  values?: readonly string[];
}

/** A reference names a secret without holding it: Clawplane `{secretRef}` or OpenClaw `{source, provider?, id}`. */
function isSecretReference(v: Record<string, unknown>): boolean {
  const keys = Object.keys(v);
  if (keys.length === 1 && typeof v.secretRef === 'string') return true;
  return (
    typeof v.source === 'string' &&
    typeof v.id === 'string' &&
    keys.every((k) => k === 'source' || k === 'provider' || k === 'id') &&
    ['env', 'file', 'exec', 'store'].includes(v.source)
  );
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Returns a deep copy of `value` in which the values of secret-looking keys are "[REDACTED]" and
 * every occurrence of a known secret value inside any string is "[REDACTED]". Secret references
 * ({secretRef} / OpenClaw SecretRef objects) are kept: they hold no secret. Plain objects, arrays
 * and Errors are walked; cycles become "[Circular]"; other objects are kept as they are.
 */
export function redactSecrets<T>(value: T, options: RedactOptions = {}): T {
  const keyPattern = new RegExp((options.keys ?? SECRET_KEY_PATTERN).source, (options.keys ?? SECRET_KEY_PATTERN).flags.replace(/[gy]/g, ''));
  const secrets = [...new Set(options.values ?? [])].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  const seen = new WeakSet<object>();

  const redactString = (s: string): string => {
    let out = s;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };

  const walk = (v: unknown, sensitive: boolean): unknown => {
    if (typeof v === 'string') return sensitive ? REDACTED : redactString(v);
    if (v === null || v === undefined) return v;
    if (typeof v === 'boolean') return v;
    if (typeof v !== 'object') return sensitive ? REDACTED : v;
    if (seen.has(v)) return '[Circular]';
    if (Array.isArray(v)) {
      seen.add(v);
      const out = v.map((item) => walk(item, sensitive));
      seen.delete(v);
      return out;
    }
    if (v instanceof Error) {
      return { name: v.name, message: sensitive ? REDACTED : redactString(v.message) };
    }
    if (!isPlainObject(v)) return sensitive ? REDACTED : v;
    if (isSecretReference(v)) return { ...v };
    seen.add(v);
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) {
      const childSensitive = sensitive || keyPattern.test(k);
      Object.defineProperty(out, k, { value: walk(child, childSensitive), enumerable: true, writable: true, configurable: true });
    }
    seen.delete(v);
    return out;
  };

  return walk(value, false) as T;
}

const LOG_SECRET_KEYS = [
  'token', 'password', 'secret', 'apiKey', 'botToken', 'appToken', 'userToken', 'signingSecret', 'webhookSecret',
  'credentials', 'privateKey', 'masterKey', 'authorization', 'cookie', 'OPENCLAW_GATEWAY_TOKEN', 'env',
] as const;

/**
 * Paths for pino's `redact` option: the secret keys above at depth 1 to 3 (pino wildcards match one
 * level each), plus request headers. `env` is included because a gateway deployment's env holds
 * resolved secret values. Use with `{ redact: { paths: LOG_REDACT_PATHS, censor: REDACTED } }`.
 */
export const LOG_REDACT_PATHS: readonly string[] = Object.freeze([
  ...LOG_SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
]);

/** A fresh pino `redact` option: `pino({ redact: logRedactOptions() })`. */
export function logRedactOptions(): { paths: string[]; censor: string } {
  return { paths: [...LOG_REDACT_PATHS], censor: REDACTED };
}
