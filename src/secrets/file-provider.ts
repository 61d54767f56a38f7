// Secrets read from files (e.g. mounted Kubernetes/Docker secrets) below allowed root directories.
import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { SecretsError, type SecretsProvider } from '../core/ports/secrets.ts';

export interface FileSecretsProviderOptions {
  /** Absolute directories secret files must live in. `{org}` in a root is replaced by the org name. */
  allowedRoots: readonly string[];
  /** Largest accepted file (default 64 KiB). */
  maxBytes?: number;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' ? false : !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

function isNotFound(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function createFileSecretsProvider(options: FileSecretsProviderOptions): SecretsProvider {
  for (const root of options.allowedRoots) {
    if (!isAbsolute(root)) throw new SecretsError('invalid-input', `allowed secret root must be absolute: ${root}`);
  }
  const maxBytes = options.maxBytes ?? 64 * 1024;

  return {
    kind: 'file',
    async get(org, name, key) {
      if (!key) throw new SecretsError('invalid-reference', `secret ${name}: a file secret needs spec.key (an absolute path)`);
      if (!isAbsolute(key)) throw new SecretsError('invalid-reference', `secret ${name}: file path must be absolute`);
      if (key.includes('\0')) throw new SecretsError('invalid-reference', `secret ${name}: invalid file path`);
      const path = resolve(key);
      const roots = options.allowedRoots.map((r) => resolve(r.replaceAll('{org}', org)));
      const lexicalRoots = roots.filter((r) => isInside(r, path));
      if (lexicalRoots.length === 0) throw new SecretsError('forbidden', `secret ${name}: ${path} is outside the allowed secret directories`);

      let real: string;
      try {
        real = await realpath(path);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
      // Symlinks must not lead out of the allowed roots either.
      const realRoots = await Promise.all(lexicalRoots.map((r) => realpath(r).catch(() => r)));
      if (!realRoots.some((r) => isInside(r, real))) {
        throw new SecretsError('forbidden', `secret ${name}: ${path} resolves outside the allowed secret directories`);
      }
      const info = await stat(real);
      if (!info.isFile()) throw new SecretsError('invalid-reference', `secret ${name}: ${path} is not a regular file`);
      if (info.size > maxBytes) throw new SecretsError('invalid-input', `secret ${name}: ${path} is larger than ${maxBytes} bytes`);
      const text = await readFile(real, 'utf8');
      return text.replace(/(?:\r?\n)+$/, '');
    },
  };
}
