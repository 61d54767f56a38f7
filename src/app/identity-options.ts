// Settings and ports for local passwords, dashboard sessions and OIDC single sign-on.
import type { Role } from '../core/resources.ts';

export interface IdentityOptions {
  /** scrypt cost as log2 N (default 17). Lower only in tests. */
  scryptLogN?: number;
  /** A session ends after this long without a request (default 30 min). */
  sessionIdleMs?: number;
  /** A session ends this long after login whatever happens (default 12 h). */
  sessionMaxMs?: number;
  oidc?: OidcPort;
}

/** Maps a group claim value to a role in one organization. */
export interface OidcRoleMapping {
  group: string;
  org: string;
  role: Role;
}

/** What the identity provider said about the user, after the code exchange and ID token checks. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  username?: string;
  email?: string;
  groups: string[];
}

/**
 * An OpenID Connect relying party (authorization code + PKCE + state + nonce), wired in the
 * composition root over `openid-client`. It keeps the pending login's checks itself.
 */
export interface OidcPort {
  readonly issuer: string;
  readonly mappings: readonly OidcRoleMapping[];
  /** Starts a login: the IdP URL to send the browser to, and the id of the pending flow (kept in a cookie). */
  begin(returnTo: string): Promise<{ url: string; flowId: string }>;
  /** Finishes the flow with the callback URL the IdP redirected to; one use per flow. */
  complete(flowId: string, callbackUrl: URL): Promise<{ identity: OidcIdentity; returnTo: string }>;
}
