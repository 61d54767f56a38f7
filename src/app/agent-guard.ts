// An agent-bound principal can never change its own permissions, budget or tool allowlist.
import type { Kind } from '../core/resources.ts';
import type { Actor } from './actor.ts';
import { AppError } from './app-error.ts';

/** Kinds that decide what an agent may do (any instance in its organization). */
const governingKinds: readonly Kind[] = ['Policy', 'RoleBinding', 'ConfigTemplate', 'CatalogEntry', 'Organization'];

/** Throws forbidden when an agent principal would change itself or what governs it. */
export function assertAgentMayChange(actor: Actor, org: string, kind: Kind, name: string): void {
  const agent = actor.agent;
  if (!agent || agent.org !== org) return;
  if ((kind === 'Agent' && name === agent.name) || governingKinds.includes(kind)) {
    throw new AppError('forbidden', `agent "${agent.name}" cannot change its own permissions, budget or tool allowlist (${kind}/${name}); ask an administrator`);
  }
}

/** Agents never manage identities: users, roles, tokens. */
export function assertNotAgent(actor: Actor, what: string): void {
  if (actor.agent) throw new AppError('forbidden', `agent "${actor.agent.name}" cannot ${what}`);
}
