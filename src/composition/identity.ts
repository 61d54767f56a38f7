// Wires passwords, sessions and SSO from the environment.
import type { IdentityOptions } from '../app/identity-options.ts';
import { createOidcClient } from './oidc-client.ts';
import { loadOidcConfig } from './oidc-config.ts';

function minutes(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 60 * 24 * 30) throw new Error(`${name} must be a whole number of minutes (1..43200)`);
  return n * 60_000;
}

/**
 * CLAWPLANE_SESSION_IDLE_MINUTES (30), CLAWPLANE_SESSION_MAX_MINUTES (720), SSO from
 * CLAWPLANE_OIDC_CONFIG or CLAWPLANE_OIDC_* (see src/composition/oidc-config.ts).
 */
export function createIdentity(env: NodeJS.ProcessEnv): IdentityOptions {
  const out: IdentityOptions = {};
  const idle = minutes(env.CLAWPLANE_SESSION_IDLE_MINUTES, 'CLAWPLANE_SESSION_IDLE_MINUTES');
  const max = minutes(env.CLAWPLANE_SESSION_MAX_MINUTES, 'CLAWPLANE_SESSION_MAX_MINUTES');
  if (idle !== undefined) out.sessionIdleMs = idle;
  if (max !== undefined) out.sessionMaxMs = max;
  const oidc = loadOidcConfig(env);
  if (oidc) out.oidc = createOidcClient(oidc);
  return out;
}
