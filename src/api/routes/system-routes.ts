import { AppError } from '../../app/app-error.ts';
import { installRuntimeVersion, listRuntimeVersions, removeRuntimeVersion, shutdown } from '../../app/system-commands.ts';
import { type RouteDef, actorOf, jsonBody, param } from '../api-context.ts';

export const systemRoutes: RouteDef[] = [
  {
    method: 'post', path: '/v1/system/shutdown', summary: 'Stop the control plane (body {stopGateways}); global admins', tag: 'system', permission: 'admin', body: 'json',
    handler: async (c, s) => {
      const body = (await jsonBody(c)) as { stopGateways?: unknown };
      return c.json(await shutdown(s.deps, await actorOf(c, s), { stopGateways: body.stopGateways === true }));
    },
  },
  {
    method: 'get', path: '/v1/runtimes', summary: 'Installed runtime versions', tag: 'system', permission: 'authenticated',
    handler: async (c, s) => c.json({ items: await listRuntimeVersions(s.deps, await actorOf(c, s)) }),
  },
  {
    method: 'post', path: '/v1/runtimes', summary: 'Install a runtime version: body {kind: "openclaw", version}', tag: 'system', permission: 'admin', body: 'json',
    handler: async (c, s) => {
      const body = (await jsonBody(c)) as { kind?: unknown; version?: unknown };
      if (typeof body.version !== 'string') throw new AppError('invalid', 'version is required');
      return c.json(await installRuntimeVersion(s.deps, await actorOf(c, s), typeof body.kind === 'string' ? body.kind : 'openclaw', body.version), 201);
    },
  },
  {
    method: 'delete', path: '/v1/runtimes/:kind/:version', summary: 'Remove an installed runtime version (refused while gateways use it)', tag: 'system', permission: 'admin',
    handler: async (c, s) => {
      await removeRuntimeVersion(s.deps, await actorOf(c, s), param(c, 'kind'), param(c, 'version'));
      return c.json({ removed: true });
    },
  },
];
