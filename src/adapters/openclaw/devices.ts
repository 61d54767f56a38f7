// Device pairing and device tokens of one OpenClaw gateway, over the Gateway WS protocol
// (`device.pair.*`, `device.token.*`). Clawplane connects as the trusted local backend (shared
// token, no device identity), so these calls never create a pairing of their own. Device tokens
// are never returned: a rotate result's `token` (only sent in-band to the device itself) is dropped.
import type { DeviceAction, DeviceList, DeviceSummary, PendingDevice } from '../../core/ports/devices.ts';
import { closeClient, connectGateway, type ProbeEndpoint } from './probe.ts';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function pick<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Pure: map a `device.pair.list` payload to pending and paired devices (metadata only, no tokens). */
export function mapDeviceList(payload: unknown): DeviceList {
  const p = (payload ?? {}) as { pending?: unknown; paired?: unknown };
  const pending: PendingDevice[] = (Array.isArray(p.pending) ? p.pending : []).map((raw) => {
    const r = (raw ?? {}) as Record<string, unknown>;
    return pick({
      requestId: str(r.requestId) ?? '', deviceId: str(r.deviceId) ?? '', displayName: str(r.displayName), platform: str(r.platform),
      clientId: str(r.clientId), clientMode: str(r.clientMode), role: str(r.role), scopes: strs(r.scopes), remoteIp: str(r.remoteIp),
      requestedAtMs: num(r.ts) ?? num(r.createdAtMs),
    });
  });
  const paired: DeviceSummary[] = (Array.isArray(p.paired) ? p.paired : []).map((raw) => {
    const r = (raw ?? {}) as Record<string, unknown>;
    const tokens = (Array.isArray(r.tokens) ? r.tokens : []).map((t) => {
      const tt = (t ?? {}) as Record<string, unknown>;
      return pick({ role: str(tt.role) ?? '', scopes: strs(tt.scopes), createdAtMs: num(tt.createdAtMs), rotatedAtMs: num(tt.rotatedAtMs), revokedAtMs: num(tt.revokedAtMs) });
    });
    return pick({
      deviceId: str(r.deviceId) ?? '', displayName: str(r.displayName) ?? str(r.operatorLabel), platform: str(r.platform), clientId: str(r.clientId),
      clientMode: str(r.clientMode), roles: strs(r.roles), scopes: strs(r.scopes), approvedVia: str(r.approvedVia), approvedAtMs: num(r.approvedAtMs),
      lastSeenAtMs: num(r.lastSeenAtMs), connected: typeof r.connected === 'boolean' ? r.connected : undefined, tokens,
    });
  });
  return { pending, paired };
}

async function withClient<T>(endpoint: ProbeEndpoint, token: string, timeoutMs: number, fn: (request: (method: string, params: Record<string, unknown>) => Promise<unknown>) => Promise<T>): Promise<T> {
  const { client } = await connectGateway(endpoint, token, timeoutMs);
  try {
    return await fn((method, params) => client.request(method, params, { timeoutMs }));
  } finally {
    await closeClient(client);
  }
}

export function listDevices(endpoint: ProbeEndpoint, token: string, timeoutMs = 8000): Promise<DeviceList> {
  return withClient(endpoint, token, timeoutMs, async (request) => mapDeviceList(await request('device.pair.list', {})));
}

/** Run one pairing/token action; returns what the gateway reported (without any token). */
export function runDeviceAction(endpoint: ProbeEndpoint, token: string, action: DeviceAction, timeoutMs = 8000): Promise<Record<string, unknown>> {
  return withClient(endpoint, token, timeoutMs, async (request) => {
    let res: unknown;
    switch (action.kind) {
      case 'approve':
        res = await request('device.pair.approve', { requestId: action.requestId });
        break;
      case 'reject':
        res = await request('device.pair.reject', { requestId: action.requestId });
        break;
      case 'remove':
        res = await request('device.pair.remove', { deviceId: action.deviceId });
        break;
      case 'rotate':
        res = await request('device.token.rotate', { deviceId: action.deviceId, role: action.role, ...(action.scopes ? { scopes: action.scopes } : {}) });
        break;
      case 'revoke':
        res = await request('device.token.revoke', { deviceId: action.deviceId, role: action.role });
        break;
    }
    const out = { ...((res ?? {}) as Record<string, unknown>) };
    delete out.token;
    delete out.deviceToken;
    return out;
  });
}
