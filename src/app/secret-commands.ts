// The lifecycle of secret values: set, rotate and purge local values, rotate a gateway's own auth
// token, list secrets (names and metadata only). Values go straight to the secrets layer (encrypted
// at rest); audit events record only that something changed, never a value.
import { type Actor, authorize } from './actor.ts';
import type { AppDeps, LocalSecretValues } from './app-deps.ts';
import { AppError } from './app-error.ts';
import { listAll } from './org-state.ts';
import { recordAudit } from './record-audit.ts';

export const MAX_SECRET_BYTES = 64 * 1024;
const GATEWAY_TOKEN_ENV = 'OPENCLAW_GATEWAY_TOKEN';

export interface SecretListItem {
  name: string;
  provider: string;
  /** Where the value lives for env/file secrets (variable name or path); never the value. */
  key?: string;
  /** Local secrets: whether the store holds a value. Other providers: null (not checked here). */
  hasValue: boolean | null;
  updatedAt?: string;
  version?: number;
}

function checkValue(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new AppError('invalid', 'value must be a non-empty string');
  if (Buffer.byteLength(value) > MAX_SECRET_BYTES) throw new AppError('too_large', `a secret value is at most ${MAX_SECRET_BYTES} bytes`);
  return value;
}

function localStore(deps: AppDeps): LocalSecretValues {
  if (!deps.secretValues) throw new AppError('unavailable', 'no local secrets store on this server');
  return deps.secretValues;
}

async function writeLocal(deps: AppDeps, actor: Actor, org: string, name: string, value: unknown, mode: 'set' | 'rotate'): Promise<{ secret: string; updated: true; version?: number }> {
  authorize(actor, org, 'admin');
  const v = checkValue(value);
  const store = localStore(deps);
  const now = deps.now();
  await deps.store.transaction(async (repos) => {
    const secret = await repos.resources.get(org, 'Secret', name);
    if (!secret) throw new AppError('not_found', `Secret "${name}" not found in organization "${org}"`);
    if (secret.spec.provider !== 'local') throw new AppError('invalid', `Secret "${name}" uses provider ${secret.spec.provider}; only provider local keeps values in Clawplane`);
    const before = await store.describe(org, name);
    if (mode === 'rotate' && !before) throw new AppError('conflict', `Secret "${name}" has no value yet; set one first (clawplane secrets set ${name})`);
    await store.set(org, name, v);
    await recordAudit(repos, actor, { org, action: `secret.${mode}`, target: `Secret/${name}`, diff: { value: 'changed', version: (before?.version ?? 0) + 1 } }, now);
  });
  deps.events.publish({ type: 'MODIFIED', org, kind: 'Secret', name, time: now.toISOString() });
  deps.onChange?.({ org, kind: 'Secret', name });
  const after = await store.describe(org, name);
  return { secret: name, updated: true, ...(after ? { version: after.version } : {}) };
}

/** Set (create or replace) the value of a local Secret. Org admins. */
export function setSecretValue(deps: AppDeps, actor: Actor, org: string, name: string, value: unknown): Promise<{ secret: string; updated: true; version?: number }> {
  return writeLocal(deps, actor, org, name, value, 'set');
}

/** Replace an existing local value (audited as secret.rotate). Org admins; the old value is never shown. */
export function rotateSecretValue(deps: AppDeps, actor: Actor, org: string, name: string, value: unknown): Promise<{ secret: string; updated: true; version?: number }> {
  return writeLocal(deps, actor, org, name, value, 'rotate');
}

/** Delete the local value of a Secret (the resource stays). Org admins; audited as secret.purge. */
export async function purgeSecretValue(deps: AppDeps, actor: Actor, org: string, name: string): Promise<{ secret: string; purged: boolean }> {
  authorize(actor, org, 'admin');
  const store = localStore(deps);
  const now = deps.now();
  let purged = false;
  await deps.store.transaction(async (repos) => {
    const secret = await repos.resources.get(org, 'Secret', name);
    if (secret && secret.spec.provider !== 'local') throw new AppError('invalid', `Secret "${name}" uses provider ${secret.spec.provider}; Clawplane keeps no value for it`);
    // A value whose Secret resource was deleted can still be purged (zero residue).
    if (!secret && !(await store.describe(org, name))) throw new AppError('not_found', `Secret "${name}" not found in organization "${org}"`);
    purged = await store.delete(org, name);
    await recordAudit(repos, actor, { org, action: 'secret.purge', target: `Secret/${name}`, diff: { value: purged ? 'deleted' : 'absent' } }, now);
  });
  if (purged) {
    deps.events.publish({ type: 'MODIFIED', org, kind: 'Secret', name, time: now.toISOString() });
    deps.onChange?.({ org, kind: 'Secret', name });
  }
  return { secret: name, purged };
}

/** Secrets of an org with provider and value metadata, never values. Viewers. */
export async function listSecretValues(deps: AppDeps, actor: Actor, org: string): Promise<SecretListItem[]> {
  authorize(actor, org, 'read');
  const secrets = await deps.store.transaction((repos) => listAll(repos, org, 'Secret'));
  const out: SecretListItem[] = [];
  for (const s of secrets.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const item: SecretListItem = { name: s.metadata.name, provider: s.spec.provider, hasValue: null };
    if (s.spec.key) item.key = s.spec.key;
    if (s.spec.provider === 'local' && deps.secretValues) {
      const meta = await deps.secretValues.describe(org, s.metadata.name);
      item.hasValue = meta !== undefined;
      if (meta) Object.assign(item, meta);
    }
    out.push(item);
  }
  return out;
}

/**
 * Generate a new auth token for a gateway (kept in the local store); the gateway restarts with it
 * and the old token stops working. Refused when the Gateway names its own Secret for the token.
 */
export async function rotateGatewayToken(deps: AppDeps, actor: Actor, org: string, name: string): Promise<{ gateway: string; rotated: true; version: number }> {
  authorize(actor, org, 'admin');
  const gateway = await deps.store.transaction((repos) => repos.resources.get(org, 'Gateway', name));
  if (!gateway) throw new AppError('not_found', `Gateway "${name}" not found in organization "${org}"`);
  const own = (gateway.spec as { env?: Record<string, unknown> }).env?.[GATEWAY_TOKEN_ENV];
  if (own !== undefined) throw new AppError('invalid', `Gateway "${name}" takes its token from spec.env.${GATEWAY_TOKEN_ENV}; rotate that Secret instead`);
  if (!deps.runtime?.rotateGatewayToken) throw new AppError('unavailable', 'this server runs no gateways (started with --no-reconcile)');
  const { version } = await deps.runtime.rotateGatewayToken(org, name);
  const now = deps.now();
  await deps.store.transaction((repos) => recordAudit(repos, actor, { org, action: 'secret.rotate', target: `Gateway/${name}`, diff: { gatewayAuth: 'rotated', version } }, now));
  return { gateway: name, rotated: true, version };
}
