// The HTTP API: thin routes over the app layer. Request ids, body limits, one error envelope.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { type ApiServices, type RouteDef, actorOf } from './api-context.ts';
import { errorResponse, toErrorResponse } from './http-errors.ts';
import { buildOpenApi } from './openapi.ts';
import { mountDashboard } from './dashboard.ts';
import { createApiMetrics } from './metrics.ts';
import { enforceRouteScope } from './route-scope.ts';
import { identityRoutes } from './routes/identity-routes.ts';
import { deviceRoutes } from './routes/device-routes.ts';
import { opsRoutes } from './routes/ops-routes.ts';
import { securityHeaders } from './security-headers.ts';
import { resourceRoutes } from './routes/resource-routes.ts';
import { revisionRoutes } from './routes/revision-routes.ts';
import { rolloutRoutes } from './routes/rollout-routes.ts';
import { systemRoutes } from './routes/system-routes.ts';

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_FLEET_BYTES = 8 * 1024 * 1024;

/** Every route of the API, in matching order (fixed paths before parameterised ones). */
export const apiRoutes: RouteDef[] = [...systemRoutes, ...identityRoutes, ...revisionRoutes, ...rolloutRoutes, ...deviceRoutes, ...opsRoutes, ...resourceRoutes];

function docsPage(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Clawplane API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script></body></html>`;
}

export function createApi(given: ApiServices, log: Logger): Hono {
  const services: ApiServices = { ...given, metrics: given.metrics ?? createApiMetrics() };
  const app = new Hono();
  app.use('*', services.metrics!.middleware);
  const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const openapi = buildOpenApi(apiRoutes, services.version);

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    const child = log.child({ requestId });
    c.set('log', child);
    const started = performance.now();
    await next();
    c.res.headers.set('x-request-id', requestId);
    child.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) }, 'request');
  });
  app.use('*', securityHeaders(services));
  const limit = (maxSize: number) =>
    bodyLimit({ maxSize, onError: (c) => errorResponse(c, 'too_large', `request body is larger than ${maxSize} bytes`) });
  app.use('/v1/apply', limit(MAX_FLEET_BYTES));
  app.use('/v1/diff', limit(MAX_FLEET_BYTES));
  app.use('/v1/plan', limit(MAX_FLEET_BYTES));
  app.use('/v1/*', async (c, next) => {
    if (['/v1/apply', '/v1/diff', '/v1/plan'].includes(c.req.path)) return next();
    return limit(MAX_BODY_BYTES)(c, next);
  });

  app.get('/healthz', (c) => c.json({ ok: true, version: services.version }));
  app.get('/openapi.json', (c) => c.json(openapi));
  app.get('/docs', (c) => c.html(docsPage()));
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    if (file === 'init.js') return c.body("window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });\n", 200, { 'content-type': 'text/javascript' });
    if (!/^swagger-ui(-bundle)?\.(css|js)$/.test(file)) return errorResponse(c, 'not_found', 'no such asset');
    const body = await readFile(join(swaggerDir, file));
    return c.body(body, 200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'text/javascript' });
  });

  for (const r of apiRoutes) {
    app.on(r.method.toUpperCase(), r.path, async (c) => {
      if (r.permission !== 'public') c.set('actor', enforceRouteScope(await actorOf(c, services), r));
      return r.handler(c, services);
    });
  }
  mountDashboard(app);
  app.notFound((c) => errorResponse(c, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
  app.onError((e, c) => toErrorResponse(c, e));
  return app;
}
