// The lifecycle of secret values: set, rotate and purge local values (in the org's namespace or a
// gateway's / agent's), generate new values server-side (admins rotate without seeing values),
// rotate a gateway's own auth token, rotate a whole organization with rolling restarts, and list
// secrets (names and metadata only). Values go straight to the secrets layer (encrypted at rest);
// audit events record who changed which key when, never a value.
import { randomBytes } from 'node:crypto';
import type { Resource } from '../core/resources.ts';
import { DEFAULT_ROTATION_DAYS, rotationDueAt } from '../core/secret-rotation.ts';
import { type Actor, authorize } from './actor.ts';
import type { AppDeps, LocalSecretValues, SecretNamespace } from './app-deps.ts';
import { AppError } from './app-error.ts';
import { listAll } from './org-state.ts';
import { recordAudit } from './record-audit.ts';

export const MAX_SECRET_BYTES = 64 * 1024;
const GATEWAY_TOKEN_ENV = 'OPENCLAW_GATEWAY_TOKEN';
const ROLL_TIMEOUT_MS = 180_000;

export interface SecretValueMeta {
  /** '' (org), 'gateway/NAME' or 'agent/NAME'. */
  scope: string;
  updatedAt: string;
  version: number;
  /** When scheduled rotation is due (updatedAt + rotation interval). */
  rotationDueAt: string;
}

export interface SecretListItem {
  name: string;
  provider: string;
  /** Where the value lives for external providers (variable name, path, id); never the value. */
  key?: string;
  source?: string;
  /** Local secrets: whether the store holds a value in the org namespace. Other providers: null (not checked here). */
  hasValue: boolean | null;
  updatedAt?: string;
  version?: number;
  rotation?: { everyDays: number; generate: boolean };
  /** Local secrets: every namespace holding a value. */
  values?: SecretValueMeta[];
}

export interface SecretWriteInput {
  value?: unknown;
  /** Let Clawplane generate a random value (nobody sees it). */
  generate?: unknown;
  gateway?: unknown;
  agent?: unknown;
}

function checkValue(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new AppError('invalid', 'value must be a non-empty string (or use generate: true)');
  if (Buffer.byteLength(value) > MAX_SECRET_BYTES) throw new AppError('too_large', `a secret value is at most ${MAX_SECRET_BYTES} bytes`);
  return value;
}

/** A random value for generated secrets: 32 bytes, base64url. */
export function generateSecretValue(): string {
  return randomBytes(32).toString('base64url');
}

function localStore(deps: AppDeps): LocalSecretValues {
  if (!deps.secretValues) throw new AppError('unavailable', 'no local secrets store on this server');
  return deps.secretValues;
}

function scopeLabel(scope: SecretNamespace): string {
  return scope.agent ? `agent/${scope.agent}` : scope.gateway ? `gateway/${scope.gateway}` : '';
}

/** Validate a namespace from input: the gateway or agent must exist in the org. */
async function namespaceOf(deps: AppDeps, org: string, input: { gateway?: unknown; agent?: unknown }): Promise<SecretNamespace> {
  const { gateway, agent } = input;
  if (gateway !== undefined && agent !== undefined) throw new AppError('invalid', 'give either gateway or agent, not both');
  for (const [what, v] of [['gateway', gateway], ['agent', agent]] as const) {
    if (v !== undefined && (typeof v !== 'string' || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v))) throw new AppError('invalid', `${what} must be a resource name (DNS-1123 label)`);
  }
  if (typeof gateway === 'string') {
    if (!(await deps.store.transaction((r) => r.resources.get(org, 'Gateway', gateway)))) throw new AppError('not_found', `Gateway "${gateway}" not found in organization "${org}"`);
    return { gateway };
  }
  if (typeof agent === 'string') {
    if (!(await deps.store.transaction((r) => r.resources.get(org, 'Agent', agent)))) throw new AppError('not_found', `Agent "${agent}" not found in organization "${org}"`);
    return { agent };
  }
  return {};
}

async function writeLocal(deps: AppDeps, actor: Actor, org: string, name: string, input: SecretWriteInput, mode: 'set' | 'rotate'): Promise<{ secret: string; updated: true; scope?: string; generated?: true; version?: number }> {
  authorize(actor, org, 'admin');
  const generated = input.generate === true;
  if (input.generate !== undefined && typeof input.generate !== 'boolean') throw new AppError('invalid', 'generate must be true or false');
  if (generated && input.value !== undefined) throw new AppError('invalid', 'give either value or generate: true, not both');
  const v = generated ? generateSecretValue() : checkValue(input.value);
  const scope = await namespaceOf(deps, org, input);
  const store = localStore(deps);
  const now = deps.now();
  await deps.store.transaction(async (repos) => {
    const secret = await repos.resources.get(org, 'Secret', name);
    if (!secret) throw new AppError('not_found', `Secret "${name}" not found in organization "${org}"`);
    if (secret.spec.provider !== 'local') throw new AppError('invalid', `Secret "${name}" uses provider ${secret.spec.provider}; only provider local keeps values in Clawplane`);
    const before = await store.describe(org, name, scope);
    if (mode === 'rotate' && !before) throw new AppError('conflict', `Secret "${name}" has no value${scopeLabel(scope) ? ` in ${scopeLabel(scope)}` : ''} yet; set one first (clawplane secrets set ${name})`);
    await store.set(org, name, v, scope);
    const diff = { value: 'changed', version: (before?.version ?? 0) + 1, ...(scopeLabel(scope) ? { scope: scopeLabel(scope) } : {}), ...(generated ? { generated: true } : {}) };
    await recordAudit(repos, actor, { org, action: `secret.${mode}`, target: `Secret/${name}`, diff }, now);
  });
  deps.events.publish({ type: 'MODIFIED', org, kind: 'Secret', name, time: now.toISOString() });
  deps.onChange?.({ org, kind: 'Secret', name });
  const after = await store.describe(org, name, scope);
  return { secret: name, updated: true, ...(scopeLabel(scope) ? { scope: scopeLabel(scope) } : {}), ...(generated ? { generated: true as const } : {}), ...(after ? { version: after.version } : {}) };
}

/** Set (create or replace) the value of a local Secret, in the org's namespace or a gateway's / agent's. Org admins. */
export function setSecretValue(deps: AppDeps, actor: Actor, org: string, name: string, input: SecretWriteInput): ReturnType<typeof writeLocal> {
  return writeLocal(deps, actor, org, name, input, 'set');
}

/** Replace an existing local value (audited as secret.rotate), given or generated. Org admins; the old value is never shown. */
export function rotateSecretValue(deps: AppDeps, actor: Actor, org: string, name: string, input: SecretWriteInput): ReturnType<typeof writeLocal> {
  return writeLocal(deps, actor, org, name, input, 'rotate');
}

/** Delete the local value of a Secret in one namespace (the resource stays). Org admins; audited as secret.purge. */
export async function purgeSecretValue(deps: AppDeps, actor: Actor, org: string, name: string, input: { gateway?: unknown; agent?: unknown } = {}): Promise<{ secret: string; purged: boolean }> {
  authorize(actor, org, 'admin');
  const store = localStore(deps);
  const scope = input.gateway !== undefined || input.agent !== undefined ? await namespaceOf(deps, org, input).catch((e: unknown) => {
    // A namespace whose gateway/agent is gone can still be purged.
    if (e instanceof AppError && e.code === 'not_found') return typeof input.gateway === 'string' ? { gateway: input.gateway } : { agent: String(input.agent) };
    throw e;
  }) : {};
  const now = deps.now();
  let purged = false;
  await deps.store.transaction(async (repos) => {
    const secret = await repos.resources.get(org, 'Secret', name);
    if (secret && secret.spec.provider !== 'local') throw new AppError('invalid', `Secret "${name}" uses provider ${secret.spec.provider}; Clawplane keeps no value for it`);
    // A value whose Secret resource was deleted can still be purged (zero residue).
    if (!secret && !(await store.describe(org, name, scope))) throw new AppError('not_found', `Secret "${name}" not found in organization "${org}"`);
    purged = await store.delete(org, name, scope);
    await recordAudit(repos, actor, { org, action: 'secret.purge', target: `Secret/${name}`, diff: { value: purged ? 'deleted' : 'absent', ...(scopeLabel(scope) ? { scope: scopeLabel(scope) } : {}) } }, now);
  });
  if (purged) {
    deps.events.publish({ type: 'MODIFIED', org, kind: 'Secret', name, time: now.toISOString() });
    deps.onChange?.({ org, kind: 'Secret', name });
  }
  return { secret: name, purged };
}

/** Zero residue on teardown: delete every local value in the namespaces of deleted gateways and agents. */
export async function purgeNamespaces(deps: AppDeps, actor: Actor, org: string, deleted: readonly { kind: string; name: string }[]): Promise<void> {
  if (!deps.secretValues) return;
  for (const d of deleted) {
    if (d.kind !== 'Gateway' && d.kind !== 'Agent') continue;
    const scope = d.kind === 'Gateway' ? { gateway: d.name } : { agent: d.name };
    const names = await deps.secretValues.purgeScope(org, scope);
    if (names.length === 0) continue;
    await deps.store.transaction((repos) => recordAudit(repos, actor, { org, action: 'secret.purge', target: `${d.kind}/${d.name}`, diff: { scope: scopeLabel(scope), names } }, deps.now()));
  }
}

function orgRotationDays(orgResource: Resource<'Organization'> | undefined): number {
  return orgResource?.spec.defaults?.secretRotationDays ?? DEFAULT_ROTATION_DAYS;
}

/** Secrets of an org with provider and value metadata, never values. Viewers. */
export async function listSecretValues(deps: AppDeps, actor: Actor, org: string): Promise<SecretListItem[]> {
  authorize(actor, org, 'read');
  const { secrets, orgResource } = await deps.store.transaction(async (repos) => ({ secrets: await listAll(repos, org, 'Secret'), orgResource: await repos.resources.get(org, 'Organization', org) }));
  const entries = deps.secretValues ? await deps.secretValues.entries(org) : [];
  const out: SecretListItem[] = [];
  for (const s of secrets.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const item: SecretListItem = { name: s.metadata.name, provider: s.spec.provider, hasValue: null };
    if (s.spec.key) item.key = s.spec.key;
    if (s.spec.source) item.source = s.spec.source;
    if (s.spec.provider === 'local' && deps.secretValues) {
      const everyDays = s.spec.rotation?.everyDays ?? orgRotationDays(orgResource);
      item.rotation = { everyDays, generate: s.spec.rotation?.generate ?? false };
      const mine = entries.filter((e) => e.name === s.metadata.name);
      const orgValue = mine.find((e) => e.scope === '');
      item.hasValue = orgValue !== undefined;
      if (orgValue) Object.assign(item, { updatedAt: orgValue.updatedAt, version: orgValue.version });
      if (mine.length > 0) item.values = mine.map((e) => ({ scope: e.scope, updatedAt: e.updatedAt, version: e.version, rotationDueAt: rotationDueAt(e.updatedAt, everyDays) }));
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

export interface BulkRotationResult {
  org: string;
  /** Generated local values that got a new value (name and namespace). */
  secrets: { name: string; scope: string; version: number }[];
  /** Local secrets whose values come from people (not generated): listed, not changed. */
  skipped: { name: string; reason: string }[];
  /** Gateways in the order they were rolled: new token, restart, ready. */
  gateways: { gateway: string; version?: number; restarted: boolean; ready: boolean; message?: string }[];
  /** False when a gateway did not come back ready: the roll stopped there. */
  completed: boolean;
}

/** Generated values of an org that `rotate --all` renews: Secrets with rotation.generate. */
async function generatedTargets(deps: AppDeps, org: string, secrets: Resource<'Secret'>[]): Promise<{ targets: { name: string; scope: string }[]; skipped: BulkRotationResult['skipped'] }> {
  const entries = deps.secretValues ? await deps.secretValues.entries(org) : [];
  const targets: { name: string; scope: string }[] = [];
  const skipped: BulkRotationResult['skipped'] = [];
  for (const s of secrets) {
    if (s.spec.provider !== 'local') continue;
    const mine = entries.filter((e) => e.name === s.metadata.name);
    if (mine.length === 0) continue;
    if (s.spec.rotation?.generate) targets.push(...mine.map((e) => ({ name: e.name, scope: e.scope })));
    else skipped.push({ name: s.metadata.name, reason: 'value is provided by people: rotate it with clawplane secrets rotate NAME' });
  }
  return { targets, skipped };
}

function namespaceFromLabel(label: string): SecretNamespace {
  if (label.startsWith('gateway/')) return { gateway: label.slice(8) };
  if (label.startsWith('agent/')) return { agent: label.slice(6) };
  return {};
}

/** Renew one generated value (audited as secret.rotate with generated:true, never the value). */
export async function renewGeneratedValue(deps: AppDeps, actor: Actor, org: string, name: string, scope: string, cause: 'bulk' | 'scheduled'): Promise<number> {
  const store = localStore(deps);
  const ns = namespaceFromLabel(scope);
  await store.set(org, name, generateSecretValue(), ns);
  const version = (await store.describe(org, name, ns))?.version ?? 1;
  await deps.store.transaction((repos) => recordAudit(repos, actor, { org, action: 'secret.rotate', target: `Secret/${name}`, diff: { value: 'changed', version, generated: true, cause, ...(scope ? { scope } : {}) } }, deps.now()));
  return version;
}

/** Roll one gateway's own token: rotate, restart, wait ready. Audited as secret.rotate. */
export async function rollGateway(deps: AppDeps, actor: Actor, org: string, name: string, cause: 'bulk' | 'scheduled'): Promise<BulkRotationResult['gateways'][number]> {
  if (!deps.runtime?.rollGatewayToken) throw new AppError('unavailable', 'this server runs no gateways (started with --no-reconcile)');
  const r = await deps.runtime.rollGatewayToken(org, name, { timeoutMs: ROLL_TIMEOUT_MS });
  await deps.store.transaction((repos) => recordAudit(repos, actor, { org, action: 'secret.rotate', target: `Gateway/${name}`, diff: { gatewayAuth: 'rotated', version: r.version, cause, restarted: r.restarted, ready: r.ready } }, deps.now()));
  return { gateway: name, version: r.version, restarted: r.restarted, ready: r.ready, ...(r.message ? { message: r.message } : {}) };
}

/**
 * Rotate everything Clawplane can rotate in an org without a person: generated local values and
 * every gateway's own auth token, then restart the gateways one at a time, each ready before the
 * next. Stops at the first gateway that does not come back ready. Org admins; values never shown.
 */
export async function rotateOrgSecrets(deps: AppDeps, actor: Actor, org: string): Promise<BulkRotationResult> {
  authorize(actor, org, 'admin');
  if (!deps.runtime?.rollGatewayToken) throw new AppError('unavailable', 'this server runs no gateways (started with --no-reconcile)');
  const { secrets, gateways } = await deps.store.transaction(async (repos) => ({ secrets: await listAll(repos, org, 'Secret'), gateways: await listAll(repos, org, 'Gateway') }));
  const { targets, skipped } = await generatedTargets(deps, org, secrets);
  const result: BulkRotationResult = { org, secrets: [], skipped, gateways: [], completed: true };
  // New values first, without waking every gateway at once: the rolling loop below restarts them.
  for (const t of targets) result.secrets.push({ ...t, version: await renewGeneratedValue(deps, actor, org, t.name, t.scope, 'bulk') });
  for (const gw of gateways.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    if ((gw.spec as { env?: Record<string, unknown> }).env?.[GATEWAY_TOKEN_ENV] !== undefined) continue;
    const r = await rollGateway(deps, actor, org, gw.metadata.name, 'bulk');
    result.gateways.push(r);
    if (r.restarted && !r.ready) {
      result.completed = false;
      break;
    }
  }
  return result;
}
