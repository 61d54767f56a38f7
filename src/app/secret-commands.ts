// Setting the value of a local Secret: the value goes straight to the secrets layer (encrypted at
// rest); the audit event records only that it changed.
import { type Actor, authorize } from './actor.ts';
import type { AppDeps } from './app-deps.ts';
import { AppError } from './app-error.ts';
import { recordAudit } from './record-audit.ts';

export const MAX_SECRET_BYTES = 64 * 1024;

export async function setSecretValue(deps: AppDeps, actor: Actor, org: string, name: string, value: unknown): Promise<{ secret: string; updated: true }> {
  authorize(actor, org, 'admin');
  if (typeof value !== 'string' || value.length === 0) throw new AppError('invalid', 'value must be a non-empty string');
  if (Buffer.byteLength(value) > MAX_SECRET_BYTES) throw new AppError('too_large', `a secret value is at most ${MAX_SECRET_BYTES} bytes`);
  if (!deps.secretValues) throw new AppError('unavailable', 'no local secrets store on this server');
  const now = deps.now();
  await deps.store.transaction(async (repos) => {
    const secret = await repos.resources.get(org, 'Secret', name);
    if (!secret) throw new AppError('not_found', `Secret "${name}" not found in organization "${org}"`);
    if (secret.spec.provider !== 'local') throw new AppError('invalid', `Secret "${name}" uses provider ${secret.spec.provider}; only provider local keeps values in Clawplane`);
    await deps.secretValues!.set(org, name, value);
    await recordAudit(repos, actor, { org, action: 'secret.set', target: `Secret/${name}`, diff: { value: 'changed' } }, now);
  });
  deps.events.publish({ type: 'MODIFIED', org, kind: 'Secret', name, time: now.toISOString() });
  deps.onChange?.({ org, kind: 'Secret', name });
  return { secret: name, updated: true };
}
