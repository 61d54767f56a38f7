// AuthRepo over Kysely: users, API tokens (looked up by sha256 hash), role grants.
import type { Kysely, Selectable } from 'kysely';
import { type ApiTokenRecord, type AuthRepo, type RoleGrant, StoreConflict, type User } from '../core/ports/store.ts';
import type { ApiTokensTable, Database, RoleGrantsTable, UsersTable } from './schema.ts';

function toUser(row: Selectable<UsersTable>): User {
  return { id: row.id, name: row.name, createdAt: row.created_at, ...(row.oidc_subject !== null ? { oidcSubject: row.oidc_subject } : {}) };
}

function parseScopes(raw: string | null): string[] | undefined {
  if (raw === null) return undefined;
  const v = JSON.parse(raw) as unknown;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
}

function toToken(row: Selectable<ApiTokensTable>): ApiTokenRecord {
  return {
    id: row.id,
    userId: row.user_id,
    hash: row.hash,
    description: row.description,
    ...(row.expires_at !== null ? { expiresAt: row.expires_at } : {}),
    createdAt: row.created_at,
    ...(row.scopes !== null ? { scopes: parseScopes(row.scopes) ?? [] } : {}),
    ...(row.org !== null ? { org: row.org } : {}),
    ...(row.agent !== null ? { agent: row.agent } : {}),
  };
}

function toGrant(row: Selectable<RoleGrantsTable>): RoleGrant {
  return { userId: row.user_id, org: row.org, role: row.role as RoleGrant['role'] };
}

export function createAuthRepo(db: Kysely<Database>): AuthRepo {
  async function requireUser(id: string): Promise<void> {
    const row = await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
    if (!row) throw new StoreConflict(`user ${id} does not exist`);
  }

  return {
    async createUser(user) {
      const res = await db
        .insertInto('users')
        .values({ id: user.id, name: user.name, created_at: user.createdAt, password_hash: null, oidc_subject: user.oidcSubject ?? null })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(res.numInsertedOrUpdatedRows ?? 0) === 0) throw new StoreConflict(`user ${user.name} already exists`);
      return { ...user };
    },

    async getUser(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : undefined;
    },

    async getUserByName(name) {
      const row = await db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
      return row ? toUser(row) : undefined;
    },

    async listUsers() {
      return (await db.selectFrom('users').selectAll().orderBy('name').execute()).map(toUser);
    },

    async createToken(token) {
      await requireUser(token.userId);
      const res = await db
        .insertInto('api_tokens')
        .values({
          id: token.id,
          user_id: token.userId,
          hash: token.hash,
          description: token.description,
          expires_at: token.expiresAt ?? null,
          created_at: token.createdAt,
          scopes: token.scopes ? JSON.stringify(token.scopes) : null,
          org: token.org ?? null,
          agent: token.agent ?? null,
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(res.numInsertedOrUpdatedRows ?? 0) === 0) throw new StoreConflict(`API token ${token.id} already exists`);
    },

    async findTokenByHash(hash) {
      const row = await db.selectFrom('api_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row ? toToken(row) : undefined;
    },

    async listTokens(userId) {
      return (await db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute()).map(toToken);
    },

    async deleteToken(id) {
      const res = await db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    async grant(grant) {
      await requireUser(grant.userId);
      await db
        .insertInto('role_grants')
        .values({ user_id: grant.userId, org: grant.org, role: grant.role })
        .onConflict((oc) => oc.columns(['user_id', 'org']).doUpdateSet({ role: grant.role }))
        .execute();
    },

    async revoke(userId, org) {
      const res = await db.deleteFrom('role_grants').where('user_id', '=', userId).where('org', '=', org).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    async grantsOf(userId) {
      return (await db.selectFrom('role_grants').selectAll().where('user_id', '=', userId).orderBy('org').execute()).map(toGrant);
    },

    async grantsIn(org) {
      return (await db.selectFrom('role_grants').selectAll().where('org', '=', org).orderBy('user_id').execute()).map(toGrant);
    },

    async deleteUser(id) {
      await db.deleteFrom('sessions').where('user_id', '=', id).execute();
      await db.deleteFrom('api_tokens').where('user_id', '=', id).execute();
      await db.deleteFrom('role_grants').where('user_id', '=', id).execute();
      const res = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },

    async getPasswordHash(userId) {
      const row = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
      return row?.password_hash ?? undefined;
    },

    async setPasswordHash(userId, hash) {
      await requireUser(userId);
      await db.updateTable('users').set({ password_hash: hash ?? null }).where('id', '=', userId).execute();
    },

    async getUserByOidcSubject(subject) {
      const row = await db.selectFrom('users').selectAll().where('oidc_subject', '=', subject).executeTakeFirst();
      return row ? toUser(row) : undefined;
    },

    async setOidcSubject(userId, subject) {
      await requireUser(userId);
      const taken = await db.selectFrom('users').select('id').where('oidc_subject', '=', subject).where('id', '!=', userId).executeTakeFirst();
      if (taken) throw new StoreConflict(`OIDC subject is already linked to another user`);
      await db.updateTable('users').set({ oidc_subject: subject }).where('id', '=', userId).execute();
    },

    async getToken(id) {
      const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toToken(row) : undefined;
    },
  };
}
