// Device pairing on a gateway (OpenClaw: `device.pair.*`, `device.token.*`). Implemented by the
// runtime adapter; the app sees metadata only, never a device token.

export interface PendingDevice {
  requestId: string;
  deviceId: string;
  displayName?: string;
  platform?: string;
  clientId?: string;
  clientMode?: string;
  role?: string;
  scopes: string[];
  remoteIp?: string;
  requestedAtMs?: number;
}

export interface DeviceTokenSummary {
  role: string;
  scopes: string[];
  createdAtMs?: number;
  rotatedAtMs?: number;
  revokedAtMs?: number;
}

export interface DeviceSummary {
  deviceId: string;
  displayName?: string;
  platform?: string;
  clientId?: string;
  clientMode?: string;
  roles: string[];
  scopes: string[];
  approvedVia?: string;
  approvedAtMs?: number;
  lastSeenAtMs?: number;
  connected?: boolean;
  tokens: DeviceTokenSummary[];
}

export interface DeviceList {
  pending: PendingDevice[];
  paired: DeviceSummary[];
}

export type DeviceAction =
  | { kind: 'approve'; requestId: string }
  | { kind: 'reject'; requestId: string }
  | { kind: 'remove'; deviceId: string }
  | { kind: 'rotate'; deviceId: string; role: string; scopes?: string[] }
  | { kind: 'revoke'; deviceId: string; role: string };

export type DeviceActionKind = DeviceAction['kind'];
export const deviceActionKinds = ['approve', 'reject', 'remove', 'rotate', 'revoke'] as const satisfies readonly DeviceActionKind[];
