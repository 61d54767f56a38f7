import { describe, expect, it } from 'vitest';
import { isValidImageRef, resolveImageRef } from './image-ref.ts';

describe('image references', () => {
  it('accepts tags, placeholders, registries with ports and digest pins', () => {
    for (const ok of [
      'ghcr.io/openclaw/openclaw:{version}', 'localhost/openclaw:2026.9.6', 'openclaw', 'registry.example.com:5000/team/openclaw:v1',
      `ghcr.io/openclaw/openclaw@sha256:${'a'.repeat(64)}`, `ghcr.io/openclaw/openclaw:2026.9.6@sha256:${'0'.repeat(64)}`,
    ]) expect(isValidImageRef(ok), ok).toBe(true);
  });

  it('refuses shell-ish, upper-case paths, bad digests and spaces', () => {
    for (const bad of ['', 'Openclaw', 'a b', 'x;rm -rf', 'repo@sha256:abc', 'repo:', ':tag', 'repo:{versions}', `a/${'b'.repeat(300)}`]) {
      expect(isValidImageRef(bad), bad).toBe(false);
    }
  });

  it('resolves the version placeholder and adds a missing tag', () => {
    expect(resolveImageRef('ghcr.io/openclaw/openclaw:{version}', '2026.9.6')).toBe('ghcr.io/openclaw/openclaw:2026.9.6');
    expect(resolveImageRef('localhost:5000/openclaw', '2026.9.5')).toBe('localhost:5000/openclaw:2026.9.5');
    expect(resolveImageRef('localhost/openclaw:pinned', '2026.9.5')).toBe('localhost/openclaw:pinned');
    const pinned = `ghcr.io/openclaw/openclaw@sha256:${'a'.repeat(64)}`;
    expect(resolveImageRef(pinned, '2026.9.6')).toBe(pinned);
  });
});
