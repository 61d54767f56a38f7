// devices list | approve | reject | remove | rotate | revoke gateway/NAME … (alias: device).
// Device tokens are never shown: the gateway hands a rotated token to the device only.
import type { Command } from 'commander';
import type { DeviceList } from '../../core/ports/devices.ts';
import type { CliContext } from '../cli-context.ts';
import { formatTable, formatValue } from '../output.ts';
import { resolveOrg } from '../org.ts';

function gatewayName(ref: string): string {
  const m = /^(?:(?:gateway|gateways|gw)\/)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(ref);
  if (!m?.[1]) throw new Error(`expected gateway/NAME, got "${ref}"`);
  return m[1];
}

const when = (ms: number | undefined): string => (ms ? new Date(ms).toISOString() : '-');

export function registerDeviceCommands(program: Command, ctx: CliContext): void {
  const devices = program.command('devices').alias('device').description('Device pairing on a gateway: list, approve, reject, remove, rotate and revoke device tokens (audited)');
  const base = async (gw: string): Promise<{ client: Awaited<ReturnType<CliContext['client']>>; path: string }> => {
    const client = await ctx.client();
    const org = await resolveOrg(client, ctx.org());
    return { client, path: `/v1/orgs/${org}/gateways/${encodeURIComponent(gatewayName(gw))}/devices` };
  };

  devices
    .command('list <gateway>')
    .description('Pending pairing requests and paired devices of gateway/NAME')
    .option('-o, --output <format>', 'table | json | yaml', 'table')
    .action(async (gw: string, o: { output: string }) => {
      const { client, path } = await base(gw);
      const list = await client.json<DeviceList>('GET', path);
      if (o.output === 'json' || o.output === 'yaml') {
        ctx.out(formatValue(list, o.output));
        return;
      }
      const rows = [
        ...list.pending.map((p) => ['pending', p.requestId, p.deviceId, p.clientId ?? '-', p.role ?? '-', p.scopes.join(',') || '-', when(p.requestedAtMs)]),
        ...list.paired.map((d) => ['paired', '-', d.deviceId, d.clientId ?? '-', d.roles.join(',') || '-', d.scopes.join(',') || '-', when(d.approvedAtMs)]),
      ];
      ctx.out(formatTable(['STATE', 'REQUEST', 'DEVICE', 'CLIENT', 'ROLE', 'SCOPES', 'SINCE'], rows));
    });

  const act = (kind: string, arg: string, describe: string, body: (id: string, o: { role?: string; scope?: string[] }) => Record<string, unknown>): void => {
    const cmd = devices.command(`${kind} <gateway> <${arg}>`).description(describe);
    if (kind === 'rotate' || kind === 'revoke') cmd.option('--role <role>', 'operator | node', 'operator');
    if (kind === 'rotate') cmd.option('--scope <scope...>', 'scopes of the new token (default: the current ones)');
    cmd.action(async (gw: string, id: string, o: { role?: string; scope?: string[] }) => {
      const { client, path } = await base(gw);
      await client.json('POST', `${path}/${kind}`, body(id, o));
      const done: Record<string, string> = {
        approve: `pairing request ${id} approved`, reject: `pairing request ${id} rejected`, remove: `device ${id} removed`,
        rotate: `device ${id} token rotated (the new token goes to the device only; the old one stops working)`, revoke: `device ${id} token revoked`,
      };
      ctx.out(`gateway/${gatewayName(gw)}: ${done[kind] ?? kind}`);
    });
  };
  act('approve', 'requestId', 'Approve a pending pairing request', (id) => ({ requestId: id }));
  act('reject', 'requestId', 'Reject a pending pairing request', (id) => ({ requestId: id }));
  act('remove', 'deviceId', 'Remove a paired device', (id) => ({ deviceId: id }));
  act('rotate', 'deviceId', 'Rotate a device token; the old token stops working', (id, o) => ({ deviceId: id, role: o.role, ...(o.scope ? { scopes: o.scope } : {}) }));
  act('revoke', 'deviceId', 'Revoke a device token; the device can no longer connect with it', (id, o) => ({ deviceId: id, role: o.role }));
}
