// RevisionRepo over Kysely: immutable, numbered revisions per gateway. Numbers come from max+1 inside
// the caller's transaction (PostgreSQL: a conflicting concurrent append fails on the primary key).
import type { Kysely, Selectable } from 'kysely';
import type { Revision, RevisionRepo } from '../core/ports/store.ts';
import type { Database, RevisionsTable, StoreDialect } from './schema.ts';

function toRevision(row: Selectable<RevisionsTable>): Revision {
  return {
    org: row.org,
    gateway: row.gateway,
    number: Number(row.number),
    createdAt: row.created_at,
    specHash: row.spec_hash,
    configHash: row.config_hash,
    runtimeVersion: row.runtime_version,
    files: JSON.parse(row.files) as Record<string, string>,
    envNames: JSON.parse(row.env_names) as string[],
    cause: row.cause,
    knownGood: Number(row.known_good) === 1,
  };
}

export function createRevisionRepo(db: Kysely<Database>, _dialect: StoreDialect): RevisionRepo {
  return {
    async append(input) {
      const last = await db.selectFrom('revisions').select((eb) => eb.fn.max('number').as('n')).where('org', '=', input.org).where('gateway', '=', input.gateway).executeTakeFirst();
      const number = Number(last?.n ?? 0) + 1;
      const row = {
        org: input.org,
        gateway: input.gateway,
        number,
        created_at: input.createdAt,
        spec_hash: input.specHash,
        config_hash: input.configHash,
        runtime_version: input.runtimeVersion,
        files: JSON.stringify(input.files),
        env_names: JSON.stringify([...input.envNames].sort()),
        cause: input.cause,
        known_good: 0,
      };
      await db.insertInto('revisions').values(row).execute();
      return toRevision(row);
    },
    async list(org, gateway) {
      const rows = await db.selectFrom('revisions').selectAll().where('org', '=', org).where('gateway', '=', gateway).orderBy('number', 'asc').execute();
      return rows.map(toRevision);
    },
    async get(org, gateway, number) {
      const row = await db.selectFrom('revisions').selectAll().where('org', '=', org).where('gateway', '=', gateway).where('number', '=', number).executeTakeFirst();
      return row ? toRevision(row) : undefined;
    },
    async markKnownGood(org, gateway, number) {
      const r = await db.updateTable('revisions').set({ known_good: 1 }).where('org', '=', org).where('gateway', '=', gateway).where('number', '=', number).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
  };
}
