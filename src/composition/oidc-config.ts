// SSO settings from the environment or a JSON file (CLAWPLANE_OIDC_CONFIG), validated with zod.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { roles } from '../core/resources.ts';

export const oidcConfigSchema = z
  .object({
    issuer: z.url(),
    clientId: z.string().min(1).max(256),
    clientSecret: z.string().min(1).max(1024).optional(),
    clientSecretFile: z.string().min(1).optional(),
    /** Must be registered at the IdP; default: CLAWPLANE_PUBLIC_URL + /v1/auth/oidc/callback. */
    redirectUri: z.url().optional(),
    scopes: z.string().default('openid profile email groups'),
    groupsClaim: z.string().min(1).max(128).default('groups'),
    roleMappings: z.array(z.object({ group: z.string().min(1).max(256), org: z.string().min(1).max(63), role: z.enum(roles) }).strict()).max(1000).default([]),
    /** Plain-http IdP: only for an issuer on a loopback address (tests, local IdPs). */
    allowInsecureHttp: z.boolean().default(false),
  })
  .strict();
export type OidcConfig = z.output<typeof oidcConfigSchema>;

/** "acme-admins=acme:admin,acme-ops=acme:operator" → mappings. */
function parseRoleMap(raw: string): unknown[] {
  return raw.split(',').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const m = /^(.+)=([^=:]+):([a-z]+)$/.exec(entry);
    if (!m) throw new Error(`CLAWPLANE_OIDC_ROLE_MAP: "${entry}" is not group=org:role`);
    return { group: m[1], org: m[2], role: m[3] };
  });
}

/** undefined when SSO is not configured; throws with a clear message when it is configured wrongly. */
export function loadOidcConfig(env: NodeJS.ProcessEnv): (OidcConfig & { clientSecret?: string; redirectUri: string }) | undefined {
  let raw: unknown;
  if (env.CLAWPLANE_OIDC_CONFIG) {
    raw = JSON.parse(readFileSync(env.CLAWPLANE_OIDC_CONFIG, 'utf8')) as unknown;
  } else if (env.CLAWPLANE_OIDC_ISSUER) {
    raw = {
      issuer: env.CLAWPLANE_OIDC_ISSUER,
      clientId: env.CLAWPLANE_OIDC_CLIENT_ID,
      ...(env.CLAWPLANE_OIDC_CLIENT_SECRET ? { clientSecret: env.CLAWPLANE_OIDC_CLIENT_SECRET } : {}),
      ...(env.CLAWPLANE_OIDC_CLIENT_SECRET_FILE ? { clientSecretFile: env.CLAWPLANE_OIDC_CLIENT_SECRET_FILE } : {}),
      ...(env.CLAWPLANE_OIDC_REDIRECT_URI ? { redirectUri: env.CLAWPLANE_OIDC_REDIRECT_URI } : {}),
      ...(env.CLAWPLANE_OIDC_SCOPES ? { scopes: env.CLAWPLANE_OIDC_SCOPES } : {}),
      ...(env.CLAWPLANE_OIDC_GROUPS_CLAIM ? { groupsClaim: env.CLAWPLANE_OIDC_GROUPS_CLAIM } : {}),
      roleMappings: env.CLAWPLANE_OIDC_ROLE_MAP ? parseRoleMap(env.CLAWPLANE_OIDC_ROLE_MAP) : [],
      allowInsecureHttp: env.CLAWPLANE_OIDC_ALLOW_HTTP === '1' || env.CLAWPLANE_OIDC_ALLOW_HTTP === 'true',
    };
  } else {
    return undefined;
  }
  const parsed = oidcConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`SSO configuration is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const cfg = parsed.data;
  const secret = cfg.clientSecret ?? (cfg.clientSecretFile ? readFileSync(cfg.clientSecretFile, 'utf8').trim() : undefined);
  const redirectUri = cfg.redirectUri ?? (env.CLAWPLANE_PUBLIC_URL ? `${env.CLAWPLANE_PUBLIC_URL.replace(/\/+$/, '')}/v1/auth/oidc/callback` : undefined);
  if (!redirectUri) throw new Error('SSO configuration is invalid: set redirectUri (CLAWPLANE_OIDC_REDIRECT_URI) or CLAWPLANE_PUBLIC_URL');
  const issuerHost = new URL(cfg.issuer).hostname;
  if (new URL(cfg.issuer).protocol !== 'https:' && !(cfg.allowInsecureHttp && ['localhost', '127.0.0.1', '[::1]'].includes(issuerHost))) {
    throw new Error('SSO configuration is invalid: the issuer must use https (plain http only with allowInsecureHttp for a loopback issuer)');
  }
  return { ...cfg, redirectUri, ...(secret !== undefined ? { clientSecret: secret } : {}) };
}
