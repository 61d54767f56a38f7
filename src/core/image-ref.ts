// Container image references for container targets: `[registry[:port]/]path[:tag][@sha256:<64 hex>]`,
// where the tag may be the placeholder `{version}` (replaced by the gateway's runtime version).
export const DEFAULT_OPENCLAW_IMAGE = 'ghcr.io/openclaw/openclaw:{version}';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REGISTRY = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?/)';
const TAG = '(?::(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|\\{version\\}))';
const DIGEST = '(?:@sha256:[a-f0-9]{64})';
const IMAGE_RE = new RegExp(`^${REGISTRY}?${COMPONENT}(?:/${COMPONENT})*${TAG}?${DIGEST}?$`);

export function isValidImageRef(ref: string): boolean {
  return ref.length <= 256 && IMAGE_RE.test(ref);
}

export const IMAGE_REF_MESSAGE = 'must be an image reference like ghcr.io/openclaw/openclaw:{version}, localhost/openclaw:2026.9.6 or repo@sha256:<64 hex>';

/** The concrete image for a runtime version; a reference without tag or digest gets `:<version>`. */
export function resolveImageRef(template: string, version: string): string {
  const withVersion = template.replaceAll('{version}', version);
  const lastSlash = withVersion.lastIndexOf('/');
  const name = withVersion.slice(lastSlash + 1);
  return name.includes(':') || name.includes('@') ? withVersion : `${withVersion}:${version}`;
}
