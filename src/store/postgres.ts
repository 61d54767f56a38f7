// PostgreSQL store: pg Pool + Kysely PostgresDialect, migrated on open.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Store } from '../core/ports/store.ts';
import { createKyselyStore } from './kysely-store.ts';
import { migrateToLatest } from './migrations.ts';
import type { Database } from './schema.ts';

/** Connects to `url` (postgres://…), migrates, and returns the Store. */
export async function createPostgresStore(url: string, opts: { maxConnections?: number } = {}): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: opts.maxConnections ?? 10 });
  // An idle client's error (e.g. server restart) must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db, 'postgres');
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return createKyselyStore(db, 'postgres');
}
