// Dashboard sessions (by hash) and login throttling over Kysely.
import type { Kysely } from 'kysely';
import type { LoginThrottleRepo, SessionRepo } from '../core/ports/identity-store.ts';
import { StoreConflict } from '../core/ports/store.ts';
import type { Database } from './schema.ts';

export function createSessionRepo(db: Kysely<Database>): SessionRepo {
  return {
    async create(s) {
      const user = await db.selectFrom('users').select('id').where('id', '=', s.userId).executeTakeFirst();
      if (!user) throw new StoreConflict(`user ${s.userId} does not exist`);
      await db.insertInto('sessions').values({ hash: s.hash, user_id: s.userId, method: s.method, created_at: s.createdAt, last_seen_at: s.lastSeenAt, expires_at: s.expiresAt }).execute();
    },
    async find(hash) {
      const row = await db.selectFrom('sessions').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row ? { hash: row.hash, userId: row.user_id, method: row.method, createdAt: row.created_at, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at } : undefined;
    },
    async touch(hash, lastSeenAt) {
      await db.updateTable('sessions').set({ last_seen_at: lastSeenAt }).where('hash', '=', hash).execute();
    },
    async delete(hash) {
      const res = await db.deleteFrom('sessions').where('hash', '=', hash).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async deleteForUser(userId) {
      const res = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
    async purgeExpired(now, idleBefore) {
      const res = await db.deleteFrom('sessions').where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleBefore)])).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}

export function createLoginThrottleRepo(db: Kysely<Database>): LoginThrottleRepo {
  return {
    async get(key) {
      const row = await db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
      return row ? { key: row.key, failures: Number(row.failures), updatedAt: row.updated_at, ...(row.locked_until !== null ? { lockedUntil: row.locked_until } : {}) } : undefined;
    },
    async put(r) {
      const values = { failures: r.failures, locked_until: r.lockedUntil ?? null, updated_at: r.updatedAt };
      await db.insertInto('login_throttle').values({ key: r.key, ...values }).onConflict((oc) => oc.column('key').doUpdateSet(values)).execute();
    },
    async clear(key) {
      await db.deleteFrom('login_throttle').where('key', '=', key).execute();
    },
    async purgeStale(before, now) {
      const res = await db
        .deleteFrom('login_throttle')
        .where('updated_at', '<', before)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}
