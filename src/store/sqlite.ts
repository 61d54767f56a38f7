// SQLite store on node:sqlite: one file, WAL, migrated on open.
import { DatabaseSync } from 'node:sqlite';
import { Kysely } from 'kysely';
import type { Store } from '../core/ports/store.ts';
import { createKyselyStore } from './kysely-store.ts';
import { migrateToLatest } from './migrations.ts';
import type { Database } from './schema.ts';
import { NodeSqliteDialect, configureSqlite } from './sqlite-dialect.ts';

/** Opens (creating if needed) the SQLite database at `path` (or ":memory:") and migrates it. */
export async function createSqliteStore(path: string, opts: { busyTimeoutMs?: number } = {}): Promise<Store> {
  const sqlite = new DatabaseSync(path);
  try {
    configureSqlite(sqlite, opts.busyTimeoutMs);
  } catch (e) {
    sqlite.close();
    throw e;
  }
  const db = new Kysely<Database>({ dialect: new NodeSqliteDialect(sqlite) });
  try {
    await migrateToLatest(db, 'sqlite');
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return createKyselyStore(db, 'sqlite');
}
