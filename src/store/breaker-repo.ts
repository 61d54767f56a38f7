// BreakerRepo over Kysely: failed rollouts per runtime version (ADR 0010). Read-modify-write inside
// the caller's transaction.
import type { Kysely, Selectable } from 'kysely';
import type { BreakerRepo, VersionBreaker } from '../core/ports/store.ts';
import type { Database, RolloutBreakersTable } from './schema.ts';

function toBreaker(row: Selectable<RolloutBreakersTable>): VersionBreaker {
  return { org: row.org, version: row.version, failures: Number(row.failures), lastFailureAt: row.last_failure_at, lastRollout: row.last_rollout };
}

export function createBreakerRepo(db: Kysely<Database>): BreakerRepo {
  const get = async (org: string, version: string): Promise<VersionBreaker | undefined> => {
    const row = await db.selectFrom('rollout_breakers').selectAll().where('org', '=', org).where('version', '=', version).executeTakeFirst();
    return row ? toBreaker(row) : undefined;
  };
  return {
    get,
    async recordFailure(org, version, rollout, now) {
      const existing = await get(org, version);
      if (existing) {
        await db.updateTable('rollout_breakers').set({ failures: existing.failures + 1, last_failure_at: now, last_rollout: rollout })
          .where('org', '=', org).where('version', '=', version).execute();
        return { ...existing, failures: existing.failures + 1, lastFailureAt: now, lastRollout: rollout };
      }
      const row = { org, version, failures: 1, last_failure_at: now, last_rollout: rollout };
      await db.insertInto('rollout_breakers').values(row).execute();
      return toBreaker(row);
    },
    async list(org) {
      const rows = await db.selectFrom('rollout_breakers').selectAll().where('org', '=', org).orderBy('version', 'asc').execute();
      return rows.map(toBreaker);
    },
    async clear(org, version) {
      const r = await db.deleteFrom('rollout_breakers').where('org', '=', org).where('version', '=', version).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
