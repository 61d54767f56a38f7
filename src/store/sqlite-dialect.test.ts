import { DatabaseSync } from 'node:sqlite';
import { Kysely, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { NodeSqliteDialect, adaptDatabaseSync, configureSqlite } from './sqlite-dialect.ts';

describe('node:sqlite dialect', () => {
  it('adapts DatabaseSync statements: readers, runs and parameter conversion', () => {
    const raw = new DatabaseSync(':memory:');
    const db = adaptDatabaseSync(raw);
    expect(db.prepare('create table t (a integer, b text)').reader).toBe(false);
    db.prepare('create table t (a integer, b text)').run([]);
    const ins = db.prepare('insert into t (a, b) values (?, ?)');
    expect(ins.reader).toBe(false);
    expect(ins.run([true, undefined])).toMatchObject({ changes: 1 });
    expect(db.prepare('insert into t (a, b) values (?, ?) returning a').reader).toBe(true);
    expect(db.prepare('select a, b from t').all([])).toEqual([{ a: 1, b: null }]);
    expect([...db.prepare('select a from t').iterate([])]).toEqual([{ a: 1 }]);
    expect(db.prepare('select 1')).toBe(db.prepare('select 1'));
    db.close();
  });

  it('runs Kysely queries and rolls back transactions', async () => {
    const raw = new DatabaseSync(':memory:');
    configureSqlite(raw);
    const db = new Kysely<{ t: { a: number } }>({ dialect: new NodeSqliteDialect(raw) });
    await db.schema.createTable('t').addColumn('a', 'integer').execute();
    await db.insertInto('t').values({ a: 1 }).execute();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ a: 2 }).execute();
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await db.selectFrom('t').select('a').execute()).toEqual([{ a: 1 }]);
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
    expect(fk.rows[0]?.foreign_keys).toBe(1);
    await db.destroy();
  });
});
