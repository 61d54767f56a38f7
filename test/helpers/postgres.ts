// A fresh PostgreSQL database per test suite on the machine's server (127.0.0.1:5432, trust auth).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_BASE = process.env.CLAWPLANE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';

export async function withPostgresDatabase(): Promise<{ url: string; exec(sql: string): Promise<void>; drop(): Promise<void> }> {
  const name = `clawplane_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = `${PG_BASE}/${name}`;
  return {
    url,
    exec: async (sql) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    },
    drop: async () => {
      const c = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
