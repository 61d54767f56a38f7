// Revision history and rollback of a gateway (ADR 0007). Listed before the lifecycle verbs, whose
// `/gateways/:name/:action` would otherwise catch `rollback`.
import { AppError } from '../../app/app-error.ts';
import { listRevisions, rollbackGateway } from '../../app/revision-commands.ts';
import { type RouteDef, actorOf, jsonBody, param } from '../api-context.ts';

export const revisionRoutes: RouteDef[] = [
  {
    method: 'get', path: '/v1/orgs/:org/gateways/:name/revisions', summary: 'Revisions of a gateway, oldest first (number, time, version, config hash, known-good, cause)', tag: 'gateways', permission: 'read',
    handler: async (c, s) => c.json(await listRevisions(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'name'))),
  },
  {
    method: 'post', path: '/v1/orgs/:org/gateways/:name/rollback', summary: 'Pin a gateway to an earlier revision: body {to?, clear?} (default: the last known-good before the current)', tag: 'gateways', permission: 'write', body: 'json',
    handler: async (c, s) => {
      const body = (await jsonBody(c)) as { to?: unknown; clear?: unknown } | null;
      if (body === null || typeof body !== 'object') throw new AppError('invalid', 'body must be an object');
      if (body.to !== undefined && typeof body.to !== 'number') throw new AppError('invalid', '"to" must be a number');
      if (body.clear !== undefined && typeof body.clear !== 'boolean') throw new AppError('invalid', '"clear" must be a boolean');
      const opts = { ...(typeof body.to === 'number' ? { to: body.to } : {}), ...(body.clear === true ? { clear: true } : {}) };
      return c.json(await rollbackGateway(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'name'), opts));
    },
  },
];
