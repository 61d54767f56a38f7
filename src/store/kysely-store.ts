// The Store port over a Kysely instance: one transaction per call, repositories bound to it.
import type { Kysely } from 'kysely';
import type { Repos, Store } from '../core/ports/store.ts';
import { createAuditRepo } from './audit-repo.ts';
import { createAuthRepo } from './auth-repo.ts';
import { Mutex } from './mutex.ts';
import { createResourceRepo } from './resource-repo.ts';
import { createRevisionRepo } from './revision-repo.ts';
import { createLoginThrottleRepo, createSessionRepo } from './session-repo.ts';
import { createBreakerRepo } from './breaker-repo.ts';
import type { Database, StoreDialect } from './schema.ts';

export function createRepos(db: Kysely<Database>, dialect: StoreDialect): Repos {
  return { resources: createResourceRepo(db, dialect), audit: createAuditRepo(db, dialect), auth: createAuthRepo(db), revisions: createRevisionRepo(db, dialect), sessions: createSessionRepo(db), loginThrottle: createLoginThrottleRepo(db), breakers: createBreakerRepo(db) };
}

/**
 * Wraps a migrated Kysely database as a Store. On SQLite (one connection) transactions are queued
 * by a mutex; do not call `transaction` from inside a transaction.
 */
export function createKyselyStore(db: Kysely<Database>, dialect: StoreDialect): Store {
  const mutex = dialect === 'sqlite' ? new Mutex() : undefined;
  let closed = false;
  const run = <T>(fn: (repos: Repos) => Promise<T>): Promise<T> => db.transaction().execute((trx) => fn(createRepos(trx, dialect)));
  return {
    dialect,
    transaction(fn) {
      if (closed) return Promise.reject(new Error('store is closed'));
      return mutex ? mutex.run(() => run(fn)) : run(fn);
    },
    async close() {
      if (closed) return;
      closed = true;
      await (mutex ? mutex.run(() => db.destroy()) : db.destroy());
    },
  };
}
