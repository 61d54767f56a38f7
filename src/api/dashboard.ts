// The dashboard: static files from web/ui, served at /ui. They talk only to the HTTP API.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { errorResponse } from './http-errors.ts';

const UI_DIR = fileURLToPath(new URL('../../web/ui/', import.meta.url));
const types: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

export function mountDashboard(app: Hono): void {
  const serveFile = async (file: string): Promise<Response> => {
    const body = await readFile(UI_DIR + file);
    return new Response(body, { headers: { 'content-type': types[file.split('.').pop()!] ?? 'application/octet-stream', 'cache-control': 'no-cache' } });
  };
  app.get('/', (c) => c.redirect('/ui/', 302));
  app.get('/ui', (c) => c.redirect('/ui/', 302));
  app.get('/ui/', () => serveFile('index.html'));
  app.get('/ui/:file', async (c) => {
    const file = c.req.param('file');
    if (!/^[a-z][a-z0-9-]*\.(html|js|css)$/.test(file)) return errorResponse(c, 'not_found', 'no such dashboard file');
    try {
      return await serveFile(file);
    } catch {
      return errorResponse(c, 'not_found', 'no such dashboard file');
    }
  });
}
