// Kysely dialect for SQLite on Node's built-in node:sqlite (DatabaseSync): no native modules.
// Kysely's SqliteDialect expects a better-sqlite3-like database; DatabaseSync is adapted to it.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { CompiledQuery, type DatabaseConnection, type Driver, SqliteDialect, SqliteDriver, type SqliteDatabase, type SqliteStatement } from 'kysely';

const STATEMENT_CACHE_SIZE = 256;

function toSqliteValue(value: unknown): SQLInputValue {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value as SQLInputValue;
}

function bind(params: readonly unknown[]): SQLInputValue[] {
  return params.map(toSqliteValue);
}

function adaptStatement(stmt: StatementSync): SqliteStatement {
  return {
    reader: stmt.columns().length > 0,
    all: (params) => stmt.all(...bind(params)),
    run: (params) => stmt.run(...bind(params)),
    iterate: (params) => stmt.iterate(...bind(params)),
  };
}

/** Adapts a node:sqlite DatabaseSync to the interface Kysely's SQLite driver uses, caching prepared statements. */
export function adaptDatabaseSync(db: DatabaseSync): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(sqlText) {
      const hit = cache.get(sqlText);
      if (hit) return hit;
      const stmt = adaptStatement(db.prepare(sqlText));
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(sqlText, stmt);
      return stmt;
    },
  };
}

/** Write transactions take the database lock up front (`begin immediate`), so they never fail half-way on SQLITE_BUSY. */
class NodeSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** Kysely dialect over an open DatabaseSync (one connection; Kysely queues its users). */
export class NodeSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;

  constructor(db: DatabaseSync) {
    const database = adaptDatabaseSync(db);
    super({ database });
    this.#database = database;
  }

  override createDriver(): Driver {
    return new NodeSqliteDriver({ database: this.#database });
  }
}

/** Connection settings applied once per open database: WAL, a busy timeout, foreign keys. */
export function configureSqlite(db: DatabaseSync, busyTimeoutMs = 5000): void {
  db.exec('PRAGMA journal_mode = WAL');
  const pragma = `PRAGMA busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`;
  db.exec(pragma);
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA synchronous = NORMAL');
}
