// Audit, auth, lifecycle verbs, logs, events and plan.
import type { Context } from 'hono';
import { stream, streamSSE } from 'hono/streaming';
import { canRead, roleIn } from '../../app/actor.ts';
import { testAgent } from '../../app/agent-test-commands.ts';
import { AppError } from '../../app/app-error.ts';
import { listAudit, verifyAudit } from '../../app/audit-commands.ts';
import { describeActor } from '../../app/auth-commands.ts';
import { execInGateway } from '../../app/gateway-exec.ts';
import type { ChangeEvent } from '../../app/event-bus.ts';
import { type LifecycleAction, lifecycleActions, runLifecycle } from '../../app/gateway-lifecycle.ts';
import { type SecretWriteInput, listSecretValues, purgeSecretValue, rotateGatewayToken, rotateOrgSecrets, rotateSecretValue, setSecretValue } from '../../app/secret-commands.ts';

function secretInput(body: unknown): SecretWriteInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new AppError('invalid', 'body must be an object: {value} or {generate: true}, optional gateway or agent');
  const extra = Object.keys(body).filter((k) => !['value', 'generate', 'gateway', 'agent'].includes(k));
  if (extra.length > 0) throw new AppError('invalid', `unknown field(s) ${extra.join(', ')}; expected value, generate, gateway, agent`);
  return body as SecretWriteInput;
}
import { fleetMetrics, gatewayStats } from '../../app/metrics-commands.ts';
import { explainAgentPolicyCmd, explainGateway, gatewayLogs, planOrganization } from '../../app/plan-commands.ts';
import { type RouteDef, actorOf, jsonBody, param, parseLabelSelector } from '../api-context.ts';

function lifecycleAction(c: Context): LifecycleAction {
  const a = param(c, 'action');
  if (!(lifecycleActions as readonly string[]).includes(a)) throw new AppError('not_found', `unknown action "${a}"; expected ${lifecycleActions.join(', ')}`);
  return a as LifecycleAction;
}

function intQuery(c: Context, name: string, max: number): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new AppError('invalid', `query ${name} must be an integer between 0 and ${max}`);
  return n;
}

export const opsRoutes: RouteDef[] = [
  {
    method: 'get', path: '/v1/whoami', summary: 'The caller and its roles', tag: 'auth', permission: 'authenticated',
    handler: async (c, s) => c.json(describeActor(await actorOf(c, s))),
  },
  {
    method: 'get', path: '/v1/orgs/:org/audit', summary: 'Audit events, oldest first (afterSeq, limit, target)', tag: 'audit', permission: 'audit', query: ['afterSeq', 'limit', 'target'],
    handler: async (c, s) => {
      const afterSeq = intQuery(c, 'afterSeq', Number.MAX_SAFE_INTEGER);
      const limit = intQuery(c, 'limit', 1000);
      const target = c.req.query('target');
      return c.json({ items: await listAudit(s.deps, await actorOf(c, s), param(c, 'org'), { ...(afterSeq !== undefined ? { afterSeq } : {}), ...(limit !== undefined ? { limit } : {}), ...(target ? { target } : {}) }) });
    },
  },
  {
    method: 'get', path: '/v1/orgs/:org/audit-verify', summary: 'Verify the audit hash chain', tag: 'audit', permission: 'audit',
    handler: async (c, s) => c.json(await verifyAudit(s.deps, await actorOf(c, s), param(c, 'org'))),
  },
  {
    method: 'get', path: '/metrics', summary: 'Prometheus metrics: fleet series of the organizations the caller reads; HTTP and process series for global readers', tag: 'metrics', permission: 'authenticated', scope: 'read',
    handler: async (c, s) => {
      const text = await s.metrics!.render(await fleetMetrics(s.deps, await actorOf(c, s)));
      return c.body(text, 200, { 'content-type': s.metrics!.contentType });
    },
  },
  {
    method: 'get', path: '/v1/orgs/:org/gateway-stats', summary: "Every gateway's phase, readiness, restarts and last sampled CPU / memory / pids", tag: 'gateways', permission: 'read',
    handler: async (c, s) => c.json({ items: (await fleetMetrics(s.deps, await actorOf(c, s), { org: param(c, 'org') })).gateways }),
  },
  {
    method: 'get', path: '/v1/orgs/:org/gateways/:name/stats', summary: 'CPU, memory, pids and restarts of one gateway, asked of its runtime now', tag: 'gateways', permission: 'read',
    handler: async (c, s) => c.json(await gatewayStats(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'name'))),
  },
  {
    // Before the lifecycle route: "exec" is not a lifecycle action.
    method: 'post', path: '/v1/orgs/:org/gateways/:name/exec', summary: 'Run a diagnostic command in a running gateway: body {command: string[] (argv, no shell), timeoutSeconds?} → {exitCode, stdout, stderr, truncated, timedOut}; org admins only; audited as gateway.exec (argv with secrets redacted, never the output)', tag: 'gateways', permission: 'org-admin', body: 'json',
    handler: async (c, s) => c.json(await execInGateway(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'name'), await jsonBody(c), String(c.get('requestId') ?? '') || undefined)),
  },
  {
    method: 'post', path: '/v1/orgs/:org/gateways/:name/:action', summary: 'start | stop | restart | kill | destroy one gateway', tag: 'gateways', permission: 'write',
    handler: async (c, s) => c.json({ results: await runLifecycle(s.deps, await actorOf(c, s), param(c, 'org'), lifecycleAction(c), { names: [param(c, 'name')] }) }),
  },
  {
    method: 'post', path: '/v1/orgs/:org/gateway-actions/:action', summary: 'A lifecycle verb on many gateways: body {names?, labelSelector?, group?}', tag: 'gateways', permission: 'write', body: 'json',
    handler: async (c, s) => {
      const body = (await jsonBody(c)) as { names?: unknown; labelSelector?: unknown; group?: unknown };
      const names = Array.isArray(body.names) ? body.names.filter((n): n is string => typeof n === 'string') : undefined;
      const labels = typeof body.labelSelector === 'string' ? parseLabelSelector(body.labelSelector) : undefined;
      const group = typeof body.group === 'string' ? body.group : undefined;
      return c.json({ results: await runLifecycle(s.deps, await actorOf(c, s), param(c, 'org'), lifecycleAction(c), { ...(names ? { names } : {}), ...(labels ? { labels } : {}), ...(group ? { group } : {}) }) });
    },
  },
  {
    method: 'get', path: '/v1/orgs/:org/gateways/:name/logs', summary: 'Gateway log lines (tail, follow)', tag: 'gateways', permission: 'read', query: ['tail', 'follow'],
    handler: async (c, s) => {
      const actor = await actorOf(c, s);
      const tail = intQuery(c, 'tail', 100_000) ?? 200;
      const follow = c.req.query('follow') === 'true' || c.req.query('follow') === '1';
      const lines = await gatewayLogs(s.deps, actor, param(c, 'org'), param(c, 'name'), { tailLines: tail, follow, signal: c.req.raw.signal });
      c.header('content-type', 'text/plain; charset=utf-8');
      return stream(c, async (out) => {
        for await (const line of lines) {
          if (out.aborted) break;
          await out.write(`${line}\n`);
        }
      });
    },
  },
  {
    method: 'get', path: '/v1/events', summary: 'Server-sent events of resource and status changes (org)', tag: 'events', permission: 'authenticated', query: ['org'],
    handler: async (c, s) => {
      const actor = await actorOf(c, s);
      const org = c.req.query('org');
      if (org && !roleIn(actor, org)) throw new AppError('not_found', `organization "${org}" not found`);
      return streamSSE(c, async (out) => {
        const queue: ChangeEvent[] = [];
        let wake: (() => void) | undefined;
        const unsubscribe = s.deps.events.subscribe((e) => {
          if ((org && e.org !== org) || !canRead(actor, e.org)) return;
          queue.push(e);
          wake?.();
        });
        out.onAbort(() => {
          unsubscribe();
          wake?.();
        });
        await out.writeSSE({ event: 'ready', data: '{}' });
        while (!out.aborted) {
          const e = queue.shift();
          if (e) {
            await out.writeSSE({ event: 'change', data: JSON.stringify(e) });
            continue;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 15_000);
          });
          wake = undefined;
          if (queue.length === 0 && !out.aborted) await out.writeSSE({ event: 'ping', data: '{}' });
        }
        unsubscribe();
      });
    },
  },
  {
    method: 'post', path: '/v1/plan', summary: 'Preflight an org against its stored state: rendered configs, diff against deployed, policy, routing, issues', tag: 'plan', permission: 'read', body: 'fleet', query: ['org'],
    handler: async (c, s) => {
      const actor = await actorOf(c, s);
      const text = await c.req.text();
      return c.json(await planOrganization(s.deps, s.planOrg, actor, { org: c.req.query('org'), text, filename: c.req.query('filename') }));
    },
  },
  {
    method: 'get', path: '/v1/orgs/:org/gateways/:name/explain', summary: 'Provenance of the effective config (path) and effective policy', tag: 'plan', permission: 'read', query: ['path'],
    handler: async (c, s) => c.json(await explainGateway(s.deps, s.explain, await actorOf(c, s), param(c, 'org'), param(c, 'name'), c.req.query('path'))),
  },
  {
    method: 'get', path: '/v1/orgs/:org/agents/:name/policy', summary: 'Effective integrations, skills and models of an agent, and which scope decided each', tag: 'plan', permission: 'read',
    handler: async (c, s) => c.json(await explainAgentPolicyCmd(s.deps, s.explainPolicy, await actorOf(c, s), param(c, 'org'), param(c, 'name'))),
  },
  {
    method: 'post', path: '/v1/orgs/:org/agents/:name/test', tag: 'agents', permission: 'write', body: 'json',
    summary: 'Run one live agent turn on the agent\'s running gateway: body {message, expect?, timeoutSeconds?}; answers {ok, message, reply?, durationMs} (a failed turn is ok:false, not an HTTP error); audited as agent.test',
    handler: async (c, s) => c.json(await testAgent(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'name'), await jsonBody(c), String(c.get('requestId')))),
  },
  {
    method: 'put', path: '/v1/orgs/:org/secrets/:name/value', summary: 'Set the value of a local Secret (body {value} or {generate:true}, optional gateway or agent namespace); never returned, logged or audited', tag: 'secrets', permission: 'org-admin', body: 'json',
    handler: async (c, s) => c.json(await setSecretValue(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'name'), secretInput(await jsonBody(c)))),
  },
  {
    method: 'post', path: '/v1/orgs/:org/secrets/:name/rotate', summary: 'Replace the existing value of a local Secret (body {value} or {generate:true}, optional gateway or agent); audited as secret.rotate, never returned', tag: 'secrets', permission: 'org-admin', body: 'json',
    handler: async (c, s) => c.json(await rotateSecretValue(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'name'), secretInput(await jsonBody(c)))),
  },
  {
    method: 'delete', path: '/v1/orgs/:org/secrets/:name/value', summary: 'Delete the local value of a Secret in the org namespace, or ?gateway= / ?agent= namespace (the resource stays); audited as secret.purge', tag: 'secrets', permission: 'org-admin', query: ['gateway', 'agent'],
    handler: async (c, s) => {
      const gateway = c.req.query('gateway');
      const agent = c.req.query('agent');
      return c.json(await purgeSecretValue(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'name'), { ...(gateway !== undefined ? { gateway } : {}), ...(agent !== undefined ? { agent } : {}) }));
    },
  },
  {
    method: 'post', path: '/v1/orgs/:org/secret-rotations', summary: 'Rotate every generated value and gateway token of the org, then restart the gateways one at a time (each ready before the next)', tag: 'secrets', permission: 'org-admin',
    handler: async (c, s) => c.json(await rotateOrgSecrets(s.deps, await actorOf(c, s), param(c, 'org'))),
  },
  {
    method: 'get', path: '/v1/orgs/:org/secret-values', summary: 'Secrets with provider, has-value, updatedAt and version (local); never values', tag: 'secrets', permission: 'read',
    handler: async (c, s) => c.json({ items: await listSecretValues(s.deps, await actorOf(c, s), param(c, 'org')) }),
  },
  {
    method: 'post', path: '/v1/orgs/:org/gateway-tokens/:name/rotate', summary: "Generate a new auth token for a gateway; it restarts with it and the old one stops working", tag: 'secrets', permission: 'org-admin',
    handler: async (c, s) => c.json(await rotateGatewayToken(s.deps, await actorOf(c, s), param(c, 'org'), param(c, 'name'))),
  },
];
