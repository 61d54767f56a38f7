// The OidcPort over openid-client: discovery (lazy, retried), authorization code + PKCE (S256) +
// state + nonce, ID token validation by the library, groups from the ID token or userinfo.
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import type { OidcIdentity, OidcPort } from '../app/identity-options.ts';
import type { OidcConfig } from './oidc-config.ts';

interface PendingFlow {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
  expiresAt: number;
}

const FLOW_TTL_MS = 10 * 60_000;
const MAX_FLOWS = 10_000;

function stringList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 500) : [];
}

export function createOidcClient(cfg: OidcConfig & { clientSecret?: string; redirectUri: string }, now: () => number = Date.now): OidcPort {
  let configuration: Promise<client.Configuration> | undefined;
  const flows = new Map<string, PendingFlow>();

  function discover(): Promise<client.Configuration> {
    configuration ??= client
      .discovery(new URL(cfg.issuer), cfg.clientId, cfg.clientSecret ? { client_secret: cfg.clientSecret } : { token_endpoint_auth_method: 'none' }, cfg.clientSecret ? client.ClientSecretPost(cfg.clientSecret) : client.None(), cfg.allowInsecureHttp ? { execute: [client.allowInsecureRequests] } : undefined)
      .catch((e: unknown) => {
        configuration = undefined; // retry discovery next time
        throw e;
      });
    return configuration;
  }

  function prune(): void {
    const t = now();
    for (const [id, f] of flows) if (f.expiresAt <= t) flows.delete(id);
    while (flows.size >= MAX_FLOWS) flows.delete(flows.keys().next().value!);
  }

  return {
    issuer: cfg.issuer,
    mappings: cfg.roleMappings,
    async begin(returnTo) {
      const conf = await discover();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(conf, {
        redirect_uri: cfg.redirectUri, scope: cfg.scopes, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce,
      });
      prune();
      const flowId = randomBytes(24).toString('base64url');
      flows.set(flowId, { state, nonce, verifier, returnTo, expiresAt: now() + FLOW_TTL_MS });
      return { url: url.href, flowId };
    },
    async complete(flowId, callbackUrl) {
      const flow = flows.get(flowId);
      flows.delete(flowId);
      if (!flow || flow.expiresAt <= now()) throw new Error('the sign-in expired or was already used; start again');
      const conf = await discover();
      // The redirect URI as registered (the request URL may differ behind a proxy), with the IdP's parameters.
      const current = new URL(cfg.redirectUri);
      current.search = callbackUrl.search;
      const tokens = await client.authorizationCodeGrant(conf, current, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
      const claims = tokens.claims();
      if (!claims) throw new Error('the identity provider returned no ID token');
      let source: Record<string, unknown> = claims;
      if (claims[cfg.groupsClaim] === undefined) {
        source = { ...(await client.fetchUserInfo(conf, tokens.access_token, claims.sub)), ...claims };
      }
      const identity: OidcIdentity = {
        issuer: String(claims.iss), subject: claims.sub, groups: stringList(source[cfg.groupsClaim]),
        ...(typeof source.preferred_username === 'string' ? { username: source.preferred_username } : {}),
        ...(typeof source.email === 'string' ? { email: source.email } : {}),
      };
      return { identity, returnTo: flow.returnTo };
    },
  };
}
