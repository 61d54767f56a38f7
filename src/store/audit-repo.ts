// AuditRepo over Kysely: appends chain each event to the org's head (audit_heads), which is
// row-locked on PostgreSQL so concurrent appends serialize; SQLite transactions are serialized anyway.
import type { Kysely, Selectable } from 'kysely';
import { GENESIS_HASH, hashAuditEvent } from '../core/audit-chain.ts';
import type { AuditEvent, AuditRepo } from '../core/ports/store.ts';
import { pageLimit } from './continue-token.ts';
import type { AuditEventsTable, Database, StoreDialect } from './schema.ts';

function toEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    org: row.org,
    seq: row.seq,
    time: row.time,
    actor: row.actor,
    action: row.action,
    target: row.target,
    diff: JSON.parse(row.diff) as unknown,
    ...(row.request_id !== null ? { requestId: row.request_id } : {}),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function createAuditRepo(db: Kysely<Database>, dialect: StoreDialect): AuditRepo {
  async function readHead(org: string, lock: boolean): Promise<{ seq: number; hash: string } | undefined> {
    let q = db.selectFrom('audit_heads').select(['seq', 'hash']).where('org', '=', org);
    if (lock && dialect === 'postgres') q = q.forUpdate();
    return q.executeTakeFirst();
  }

  /** The org's head, locked until commit; created at seq 0 on the org's first append. */
  async function lockHead(org: string): Promise<{ seq: number; hash: string }> {
    const head = await readHead(org, true);
    if (head) return head;
    await db.insertInto('audit_heads').values({ org, seq: 0, hash: GENESIS_HASH }).onConflict((oc) => oc.doNothing()).execute();
    const created = await readHead(org, true);
    if (!created) throw new Error(`audit head of organization ${org} could not be created`);
    return created;
  }

  return {
    async append(input) {
      // The stored diff is JSON: hash exactly what a later read returns.
      const diffText = JSON.stringify(input.diff ?? null);
      const head = await lockHead(input.org);
      const event: Omit<AuditEvent, 'hash'> = {
        org: input.org,
        seq: head.seq + 1,
        time: input.time,
        actor: input.actor,
        action: input.action,
        target: input.target,
        diff: JSON.parse(diffText) as unknown,
        ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
        prevHash: head.hash,
      };
      const hash = hashAuditEvent(head.hash, event);
      await db
        .insertInto('audit_events')
        .values({
          org: event.org,
          seq: event.seq,
          time: event.time,
          actor: event.actor,
          action: event.action,
          target: event.target,
          diff: diffText,
          request_id: event.requestId ?? null,
          prev_hash: event.prevHash,
          hash,
        })
        .execute();
      await db.updateTable('audit_heads').set({ seq: event.seq, hash }).where('org', '=', input.org).execute();
      return { ...event, hash };
    },

    async list(org, opts = {}) {
      let q = db.selectFrom('audit_events').selectAll().where('org', '=', org);
      if (opts.afterSeq !== undefined) q = q.where('seq', '>', opts.afterSeq);
      if (opts.target !== undefined) q = q.where('target', '=', opts.target);
      const rows = await q.orderBy('seq').limit(pageLimit(opts.limit)).execute();
      return rows.map(toEvent);
    },

    async head(org) {
      return (await readHead(org, false)) ?? { seq: 0, hash: GENESIS_HASH };
    },
  };
}
