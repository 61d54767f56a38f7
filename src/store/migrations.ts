// Schema migrations, in code, for both dialects. Append new migrations; never edit an applied one.
import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import type { StoreDialect } from './schema.ts';

type AnyDb = Kysely<any>;

function initialSchema(dialect: StoreDialect): Migration {
  // Names sort bytewise on both dialects, so pagination by name is identical everywhere.
  const nameType = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('resources')
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', nameType, (c) => c.notNull())
        .addColumn('grp', 'text')
        .addColumn('gateway', 'text')
        .addColumn('labels', 'text')
        .addColumn('annotations', 'text')
        .addColumn('spec', 'text', (c) => c.notNull())
        .addColumn('status', 'text')
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('resource_version', 'integer', (c) => c.notNull())
        .addColumn('uid', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('resources_pk', ['org', 'kind', 'name'])
        .execute();
      await db.schema.createIndex('resources_org_kind_gateway').on('resources').columns(['org', 'kind', 'gateway']).execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('diff', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_events_pk', ['org', 'seq'])
        .execute();
      await db.schema.createIndex('audit_events_org_target').on('audit_events').columns(['org', 'target', 'seq']).execute();

      await db.schema
        .createTable('audit_heads')
        .addColumn('org', 'text', (c) => c.primaryKey())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();

      await db.schema
        .createTable('role_grants')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('role_grants_pk', ['user_id', 'org'])
        .execute();
      await db.schema.createIndex('role_grants_org').on('role_grants').column('org').execute();
    },
    async down(db: AnyDb) {
      for (const t of ['role_grants', 'api_tokens', 'users', 'audit_heads', 'audit_events', 'resources']) await db.schema.dropTable(t).execute();
    },
  };
}

function revisionsSchema(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('revisions')
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('gateway', 'text', (c) => c.notNull())
        .addColumn('number', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('spec_hash', 'text', (c) => c.notNull())
        .addColumn('config_hash', 'text', (c) => c.notNull())
        .addColumn('runtime_version', 'text', (c) => c.notNull())
        .addColumn('files', 'text', (c) => c.notNull())
        .addColumn('env_names', 'text', (c) => c.notNull())
        .addColumn('cause', 'text', (c) => c.notNull())
        .addColumn('known_good', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('revisions_pk', ['org', 'gateway', 'number'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('revisions').execute();
    },
  };
}

function identitySchema(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('users').addColumn('password_hash', 'text').execute();
      await db.schema.alterTable('users').addColumn('oidc_subject', 'text').execute();
      await db.schema.createIndex('users_oidc_subject').on('users').column('oidc_subject').unique().execute();
      await db.schema.alterTable('api_tokens').addColumn('scopes', 'text').execute();
      await db.schema.alterTable('api_tokens').addColumn('org', 'text').execute();
      await db.schema.alterTable('api_tokens').addColumn('agent', 'text').execute();
      await db.schema
        .createTable('sessions')
        .addColumn('hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
      await db.schema
        .createTable('login_throttle')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('locked_until', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('login_throttle').execute();
      await db.schema.dropTable('sessions').execute();
      await db.schema.dropIndex('users_oidc_subject').execute();
      for (const c of ['scopes', 'org', 'agent']) await db.schema.alterTable('api_tokens').dropColumn(c).execute();
      for (const c of ['password_hash', 'oidc_subject']) await db.schema.alterTable('users').dropColumn(c).execute();
    },
  };
}

function rolloutBreakersSchema(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('rollout_breakers')
        .addColumn('org', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('last_failure_at', 'text', (c) => c.notNull())
        .addColumn('last_rollout', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('rollout_breakers_pk', ['org', 'version'])
        .execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('rollout_breakers').execute();
    },
  };
}

/** All migrations by name (applied in name order). */
export function storeMigrations(dialect: StoreDialect): Record<string, Migration> {
  return { '0001_initial': initialSchema(dialect), '0002_revisions': revisionsSchema(), '0003_rollout_breakers': rolloutBreakersSchema(), '0004_identity': identitySchema() };
}

export function migrationProvider(dialect: StoreDialect): MigrationProvider {
  return { getMigrations: () => Promise.resolve(storeMigrations(dialect)) };
}

/** Brings the database to the latest schema; throws when a migration fails. */
export async function migrateToLatest(db: AnyDb, dialect: StoreDialect): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`store migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
