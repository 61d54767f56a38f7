// CRUD + list for every kind, apply/diff of whole fleet files.
import type { Context } from 'hono';
import { applyDocuments } from '../../app/apply-documents.ts';
import { AppError } from '../../app/app-error.ts';
import { deleteResource, getResource, listOrganizations, listResources } from '../../app/resource-commands.ts';
import { parseFleet, validateDocument } from '../../core/fleet-file.ts';
import { hasErrors } from '../../core/issues.ts';
import { type Kind, kinds, kindNames } from '../../core/resources.ts';
import { type ApiServices, type RouteDef, actorOf, invalid, jsonBody, param, parseLabelSelector } from '../api-context.ts';

function kindOf(c: Context): Kind {
  const plural = param(c, 'plural');
  const kind = kindNames.find((k) => kinds[k].plural === plural);
  if (!kind) throw new AppError('not_found', `unknown resource type "${plural}"; expected one of ${kindNames.map((k) => kinds[k].plural).join(', ')}`);
  return kind;
}

async function fleetFromRequest(c: Context): Promise<ReturnType<typeof parseFleet>> {
  const type = c.req.header('content-type') ?? '';
  const text = await c.req.text();
  if (type.includes('application/json') && /^\s*\{\s*"documents"/.test(text)) {
    const body = JSON.parse(text) as { documents?: unknown };
    if (!Array.isArray(body.documents)) throw new AppError('invalid', '"documents" must be an array');
    return parseFleet(JSON.stringify(body.documents), 'body.json');
  }
  return parseFleet(text, c.req.query('filename') ?? (type.includes('json') ? 'body.json' : 'body.yaml'));
}

async function apply(c: Context, s: ApiServices): Promise<Response> {
  const actor = await actorOf(c, s);
  const parsed = await fleetFromRequest(c);
  if (hasErrors(parsed.issues)) throw invalid(`the fleet file has ${parsed.issues.length} problem(s); nothing was applied`, parsed.issues);
  const dryRun = c.req.query('dryRun') === 'true' || c.req.path.endsWith('/diff');
  const result = await applyDocuments(s.deps, actor, parsed.documents, { dryRun, requestId: String(c.get('requestId')) });
  return c.json(result);
}

async function createOne(c: Context, s: ApiServices, mode: 'create' | 'replace'): Promise<Response> {
  const actor = await actorOf(c, s);
  const org = param(c, 'org');
  const kind = kindOf(c);
  const body = (await jsonBody(c)) as Record<string, unknown> | null;
  if (body && typeof body === 'object' && !Array.isArray(body) && body.kind === undefined) body.kind = kind;
  const { doc, issues } = validateDocument(body, 0, org);
  if (!doc) throw invalid(`invalid ${kind}`, issues);
  if (doc.kind !== kind) throw new AppError('invalid', `body kind ${doc.kind} does not match the URL (${kind})`);
  if (doc.metadata.org !== org) throw new AppError('invalid', `metadata.org "${doc.metadata.org}" does not match the URL (${org})`);
  if (mode === 'replace' && doc.metadata.name !== param(c, 'name')) throw new AppError('invalid', `metadata.name "${doc.metadata.name}" does not match the URL`);
  await applyDocuments(s.deps, actor, [doc], { mode, requestId: String(c.get('requestId')) });
  return c.json(await getResource(s.deps, actor, org, kind, doc.metadata.name), mode === 'create' ? 201 : 200);
}

export const resourceRoutes: RouteDef[] = [
  {
    method: 'post', path: '/v1/apply', summary: 'Apply a fleet file (YAML or JSON5 text, or {documents:[...]}); all-or-nothing', tag: 'resources',
    permission: 'write', body: 'fleet', query: ['dryRun', 'filename'], handler: apply,
  },
  { method: 'post', path: '/v1/diff', summary: 'What applying a fleet file would change, per resource', tag: 'resources', permission: 'read', body: 'fleet', handler: apply },
  {
    method: 'get', path: '/v1/orgs', summary: 'Organizations visible to the caller', tag: 'resources', permission: 'authenticated',
    handler: async (c, s) => c.json({ items: await listOrganizations(s.deps, await actorOf(c, s)) }),
  },
  {
    method: 'get', path: '/v1/orgs/:org/:plural', summary: 'List resources of a kind (labelSelector, gateway, group, limit, continue)', tag: 'resources',
    permission: 'read', query: ['labelSelector', 'gateway', 'group', 'limit', 'continue'],
    handler: async (c, s) => {
      const actor = await actorOf(c, s);
      const limit = c.req.query('limit');
      const labels = parseLabelSelector(c.req.query('labelSelector'));
      const page = await listResources(s.deps, actor, param(c, 'org'), kindOf(c), {
        ...(labels ? { labels } : {}),
        ...(c.req.query('gateway') ? { gateway: c.req.query('gateway')! } : {}),
        ...(c.req.query('group') ? { group: c.req.query('group')! } : {}),
        ...(limit ? { limit: Number.parseInt(limit, 10) } : {}),
        ...(c.req.query('continue') ? { continue: c.req.query('continue')! } : {}),
      });
      return c.json(page);
    },
  },
  { method: 'post', path: '/v1/orgs/:org/:plural', summary: 'Create one resource', tag: 'resources', permission: 'write', body: 'document', handler: (c, s) => createOne(c, s, 'create') },
  {
    method: 'get', path: '/v1/orgs/:org/:plural/:name', summary: 'Get one resource with its status', tag: 'resources', permission: 'read',
    handler: async (c, s) => c.json(await getResource(s.deps, await actorOf(c, s), param(c, 'org'), kindOf(c), param(c, 'name'))),
  },
  {
    method: 'put', path: '/v1/orgs/:org/:plural/:name', summary: 'Replace one resource (metadata.resourceVersion for optimistic concurrency)', tag: 'resources',
    permission: 'write', body: 'document', handler: (c, s) => createOne(c, s, 'replace'),
  },
  {
    method: 'delete', path: '/v1/orgs/:org/:plural/:name', summary: 'Delete one resource (a Gateway with its agents, accounts and bindings)', tag: 'resources',
    permission: 'write', query: ['resourceVersion'],
    handler: async (c, s) => {
      const rv = c.req.query('resourceVersion');
      const res = await deleteResource(s.deps, await actorOf(c, s), param(c, 'org'), kindOf(c), param(c, 'name'), {
        requestId: String(c.get('requestId')), ...(rv ? { expectedVersion: Number(rv) } : {}),
      });
      return c.json(res);
    },
  },
];
