// Security headers on every response (hono secureHeaders): CSP with frame-ancestors 'none',
// nosniff, no referrer, no framing; HSTS only when served over https.
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { ApiServices } from './api-context.ts';
import { isHttps } from './https.ts';

const strictCsp = {
  defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], connectSrc: ["'self'"],
  fontSrc: ["'self'"], objectSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'self'"], frameAncestors: ["'none'"],
};
const common = {
  strictTransportSecurity: false as const, xFrameOptions: 'DENY', referrerPolicy: 'no-referrer', xContentTypeOptions: true,
  crossOriginOpenerPolicy: 'same-origin', crossOriginResourcePolicy: 'same-origin',
};
/** Swagger UI (/docs) sets inline styles; everything else gets the strict policy. */
const strict = secureHeaders({ ...common, contentSecurityPolicy: strictCsp });
const docs = secureHeaders({ ...common, contentSecurityPolicy: { ...strictCsp, styleSrc: ["'self'", "'unsafe-inline'"] } });

export function securityHeaders(s: ApiServices): MiddlewareHandler {
  return async (c, next) => {
    const handler = c.req.path === '/docs' || c.req.path.startsWith('/docs/') ? docs : strict;
    await handler(c, next);
    if (isHttps(c, s.publicUrl)) c.res.headers.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
  };
}
