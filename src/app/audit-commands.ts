import { verifyAuditChain } from '../core/audit-chain.ts';
import type { AuditEvent } from '../core/ports/store.ts';
import { type Actor, authorize } from './actor.ts';
import type { AppDeps } from './app-deps.ts';

export async function listAudit(deps: AppDeps, actor: Actor, org: string, opts: { afterSeq?: number; limit?: number; target?: string } = {}): Promise<AuditEvent[]> {
  authorize(actor, org, 'audit');
  return deps.store.transaction((repos) => repos.audit.list(org, { limit: Math.min(opts.limit ?? 100, 1000), ...(opts.afterSeq !== undefined ? { afterSeq: opts.afterSeq } : {}), ...(opts.target ? { target: opts.target } : {}) }));
}

export async function verifyAudit(deps: AppDeps, actor: Actor, org: string): Promise<ReturnType<typeof verifyAuditChain>> {
  authorize(actor, org, 'audit');
  const events: AuditEvent[] = [];
  const head = await deps.store.transaction(async (repos) => {
    let after = 0;
    for (;;) {
      const page = await repos.audit.list(org, { afterSeq: after, limit: 1000 });
      events.push(...page);
      if (page.length < 1000) break;
      after = page[page.length - 1]!.seq;
    }
    return repos.audit.head(org);
  });
  return verifyAuditChain(events, { head });
}
