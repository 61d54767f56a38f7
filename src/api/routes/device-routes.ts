// Device pairing on a gateway: list, approve, reject, remove, rotate, revoke (all audited).
import { listGatewayDevices, runDeviceCommand } from '../../app/device-commands.ts';
import type { DeviceActionKind } from '../../core/ports/devices.ts';
import { type RouteDef, actorOf, jsonBody, param } from '../api-context.ts';

const summaries: Record<DeviceActionKind, string> = {
  approve: 'Approve a pending pairing request: body {requestId}',
  reject: 'Reject a pending pairing request: body {requestId}',
  remove: 'Remove a paired device: body {deviceId}',
  rotate: 'Rotate a device token: body {deviceId, role?, scopes?}; the new token goes to the device only',
  revoke: 'Revoke a device token: body {deviceId, role?}; the device can no longer connect with it',
};

export const deviceRoutes: RouteDef[] = [
  {
    method: 'get', path: '/v1/orgs/:org/gateways/:name/devices', summary: 'Pending and paired devices of a gateway (metadata only, never tokens)', tag: 'devices', permission: 'read',
    handler: async (c, s) => c.json(await listGatewayDevices(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'name'))),
  },
  ...(Object.keys(summaries) as DeviceActionKind[]).map((kind): RouteDef => ({
    method: 'post', path: `/v1/orgs/:org/gateways/:name/devices/${kind}`, summary: `${summaries[kind]}; audited as device.${kind}`, tag: 'devices', permission: 'org-admin', body: 'json',
    handler: async (c, s) => c.json(await runDeviceCommand(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'name'), kind, await jsonBody(c))),
  })),
];
