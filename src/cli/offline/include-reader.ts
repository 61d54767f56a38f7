// `$include` reader over a directory root (for templates kept as files). Refuses absolute paths,
// `..` escapes and symlinks that resolve outside the root, with a clear error.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { IncludeReader } from '../../core/config-layers.ts';

export function createDirectoryIncludeReader(root: string): IncludeReader {
  const realRoot = realpathSync(root);
  return (path) => {
    if (isAbsolute(path) || path.split('/').includes('..')) throw new Error(`"${path}" leaves the include root`);
    const full = join(realRoot, path);
    if (!existsSync(full)) return undefined;
    const real = realpathSync(full);
    const rel = relative(realRoot, real);
    if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) throw new Error(`"${path}" is a symlink that resolves outside the include root`);
    return readFileSync(real, 'utf8');
  };
}
