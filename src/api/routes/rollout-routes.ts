// Rollouts (ADR 0010): start, control verbs and the runtime-version circuit breaker. Listing and
// reading rollouts go through the generic resource routes (/v1/orgs/:org/rollouts[/:name]).
// Listed before the resource routes, whose /:plural/:name would otherwise catch these paths.
import type { Context } from 'hono';
import { AppError } from '../../app/app-error.ts';
import { clearBreaker, controlRollout, listBreakers, startRollout } from '../../app/rollout-commands.ts';
import { parseFleet } from '../../core/fleet-file.ts';
import { hasErrors } from '../../core/issues.ts';
import type { ControlVerb } from '../../core/rollout.ts';
import { type RouteDef, actorOf, invalid, jsonBody, param } from '../api-context.ts';

function verbRoute(verb: ControlVerb, summary: string, permission: 'write' | 'org-admin'): RouteDef {
  return {
    method: 'post', path: `/v1/orgs/:org/rollouts/:name/${verb}`, summary, tag: 'rollouts', permission,
    handler: async (c: Context, s) => c.json(await controlRollout(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'name'), verb, String(c.get('requestId')))),
  };
}

export const rolloutRoutes: RouteDef[] = [
  {
    method: 'post', path: '/v1/orgs/:org/rollouts/:name/start', tag: 'rollouts', permission: 'write', body: 'json',
    summary: 'Start a rollout: body {spec: {selector, strategy, maxUnavailable, canary, waveSize, gates, onFailure, runtimeVersion?}, fleet?: "YAML/JSON5 text of the change"}',
    handler: async (c, s) => {
      const actor = await actorOf(c, s);
      const org = param(c, 'org');
      const body = (await jsonBody(c)) as { spec?: unknown; fleet?: unknown } | null;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new AppError('invalid', 'body must be an object {spec, fleet?}');
      if (body.fleet !== undefined && typeof body.fleet !== 'string') throw new AppError('invalid', '"fleet" must be the text of a fleet file (YAML or JSON5)');
      let documents;
      if (typeof body.fleet === 'string') {
        const parsed = parseFleet(body.fleet, 'rollout.yaml', { defaultOrg: org });
        if (hasErrors(parsed.issues)) throw invalid(`the fleet file has ${parsed.issues.length} problem(s); nothing was changed`, parsed.issues);
        documents = parsed.documents;
      }
      const r = await startRollout(s.deps, actor, org, param(c, 'name'), { spec: body.spec, ...(documents ? { documents } : {}), requestId: String(c.get('requestId')) });
      return c.json(r, 201);
    },
  },
  verbRoute('pause', 'Pause a rollout: no further gateways are released', 'write'),
  verbRoute('resume', 'Resume a paused rollout', 'write'),
  verbRoute('abort', 'Abort a rollout: gateways being updated roll back, the rest stay on (pinned to) their revision', 'write'),
  verbRoute('approve', 'Approve a high-risk rollout (runtime version or policy change) so its waves start', 'org-admin'),
  {
    method: 'get', path: '/v1/orgs/:org/rollout-breakers', summary: 'Runtime versions with failed rollouts (circuit breaker); blocked when failures reach the threshold', tag: 'rollouts', permission: 'read',
    handler: async (c, s) => c.json(await listBreakers(s.deps, await actorOf(c, s), param(c, 'org'))),
  },
  {
    method: 'delete', path: '/v1/orgs/:org/rollout-breakers/:version', summary: 'Clear the circuit breaker of a runtime version (org admin)', tag: 'rollouts', permission: 'org-admin',
    handler: async (c, s) => c.json(await clearBreaker(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'version'), String(c.get('requestId')))),
  },
];
