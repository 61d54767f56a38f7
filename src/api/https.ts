// Whether the control plane is reached over https (public URL or the request itself).
import type { Context } from 'hono';

export function isHttps(c: Context, publicUrl: string | undefined): boolean {
  return publicUrl?.startsWith('https://') === true || new URL(c.req.url).protocol === 'https:';
}
