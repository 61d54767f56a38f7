// OpenAPI 3.1 document generated from the route table and the resource schemas.
import { documentJsonSchemas } from '../core/fleet-schema.ts';
import type { RouteDef } from './api-context.ts';
import { routeScope } from './route-scope.ts';

export function buildOpenApi(routes: readonly RouteDef[], version: string): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(documentJsonSchemas())) {
    const { $schema: _drop, ...rest } = s as Record<string, unknown>;
    schemas[k] = rest;
  }
  schemas.Error = {
    type: 'object', required: ['error'],
    properties: { error: { type: 'object', required: ['code', 'message', 'requestId'], properties: { code: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' }, issues: { type: 'array', items: { type: 'object' } } } } },
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const params = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    for (const q of r.query ?? []) params.push({ name: q, in: 'query', required: false, schema: { type: 'string' } });
    const op: Record<string, unknown> = {
      summary: r.summary, tags: [r.tag], parameters: params,
      'x-clawplane-permission': r.permission,
      responses: {
        200: { description: 'OK' },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
    if (r.permission !== 'public') op.security = [{ bearer: [] }, { session: [], csrf: [] }];
    if (r.scope !== 'none' && r.permission !== 'public' && r.permission !== 'authenticated') op['x-clawplane-scope'] = routeScope(r);
    if (r.body === 'document') op.requestBody = { required: true, content: { 'application/json': { schema: { oneOf: Object.keys(schemas).filter((k) => k !== 'Error').map((k) => ({ $ref: `#/components/schemas/${k}` })) } } } };
    if (r.body === 'fleet') op.requestBody = { required: true, content: { 'application/yaml': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'object', properties: { documents: { type: 'array' } } } } } };
    if (r.body === 'json') op.requestBody = { required: true, content: { 'application/json': { schema: { type: 'object' } } } };
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Clawplane API', version, description: 'Control plane for fleets of OpenClaw gateways. Errors use one envelope {error:{code,message,issues?,requestId}}.' },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API token (cpt_…); scopes limit it further (x-clawplane-scope per operation)' },
        session: { type: 'apiKey', in: 'cookie', name: 'clawplane_session', description: 'Dashboard session from POST /v1/auth/login or SSO' },
        csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token', description: 'Required with the session cookie on POST/PUT/DELETE (csrfToken of the login response or GET /v1/auth/session)' },
      },
      schemas,
    },
    security: [{ bearer: [] }],
    paths,
  };
}
