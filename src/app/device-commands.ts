// Device pairing on a gateway: list pending and paired devices, approve, reject, remove, rotate and
// revoke device tokens. Every action is audited (device.<action>, ids and roles only); device
// tokens never pass through Clawplane (the gateway withholds a rotated token from everyone but the
// device itself, and the adapter drops it anyway).
import { z } from 'zod';
import type { DeviceAction, DeviceActionKind, DeviceList } from '../core/ports/devices.ts';
import { type Actor, authorize } from './actor.ts';
import type { AppDeps, GatewayDeviceOps } from './app-deps.ts';
import { AppError } from './app-error.ts';
import { recordAudit } from './record-audit.ts';

const id = z.string().min(1).max(256).regex(/^[A-Za-z0-9._:-]+$/, 'must be an id of letters, digits, ".", "_", ":" or "-"');
const role = z.enum(['operator', 'node']);
const scope = z.string().min(1).max(64).regex(/^[a-z][a-z0-9._-]*$/, 'must be a scope like operator.read');

const actionInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('approve'), requestId: id }).strict(),
  z.object({ kind: z.literal('reject'), requestId: id }).strict(),
  z.object({ kind: z.literal('remove'), deviceId: id }).strict(),
  z.object({ kind: z.literal('rotate'), deviceId: id, role: role.default('operator'), scopes: z.array(scope).max(32).optional() }).strict(),
  z.object({ kind: z.literal('revoke'), deviceId: id, role: role.default('operator') }).strict(),
]);

function devicesOps(deps: AppDeps): GatewayDeviceOps {
  if (!deps.devices) throw new AppError('unavailable', 'this server runs no gateways (started with --no-reconcile)');
  return deps.devices;
}

async function requireGateway(deps: AppDeps, org: string, gateway: string): Promise<void> {
  const gw = await deps.store.transaction((repos) => repos.resources.get(org, 'Gateway', gateway));
  if (!gw) throw new AppError('not_found', `Gateway "${gateway}" not found in organization "${org}"`);
}

/** Pending and paired devices of a gateway (metadata only). Viewers. */
export async function listGatewayDevices(deps: AppDeps, actor: Actor, org: string, gateway: string): Promise<DeviceList> {
  authorize(actor, org, 'read');
  await requireGateway(deps, org, gateway);
  return devicesOps(deps).list(org, gateway);
}

/** Approve, reject, remove, rotate or revoke on a gateway. Org admins; audited as device.<kind>. */
export async function runDeviceCommand(deps: AppDeps, actor: Actor, org: string, gateway: string, kind: DeviceActionKind, body: unknown): Promise<{ gateway: string; action: DeviceActionKind; result: Record<string, unknown> }> {
  authorize(actor, org, 'admin');
  const parsed = actionInput.safeParse({ ...(body !== null && typeof body === 'object' ? body : {}), kind });
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError('invalid', `${first?.path.join('.') || 'body'}: ${first?.message ?? 'invalid'}`);
  }
  await requireGateway(deps, org, gateway);
  const action: DeviceAction = parsed.data;
  const result = await devicesOps(deps).act(org, gateway, action);
  const { kind: _k, ...ids } = action;
  await deps.store.transaction((repos) => recordAudit(repos, actor, { org, action: `device.${kind}`, target: `Gateway/${gateway}`, diff: ids }, deps.now()));
  return { gateway, action: kind, result };
}
