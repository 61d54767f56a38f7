// ResourceRepo over Kysely, bound to one transaction.
import { type Kysely, type Selectable, sql } from 'kysely';
import { canonicalJson } from '../core/audit-chain.ts';
import { type ListOptions, type Page, type ResourceInput, type ResourceRepo, StoreConflict } from '../core/ports/store.ts';
import { API_VERSION, type Kind, type Resource } from '../core/resources.ts';
import { decodeContinue, encodeContinue, pageLimit } from './continue-token.ts';
import type { Database, ResourcesTable, StoreDialect } from './schema.ts';

type Row = Selectable<ResourcesTable>;

function jsonOrNull(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function parse<T>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}

function toResource<K extends Kind>(row: Row): Resource<K> {
  const labels = parse<Record<string, string>>(row.labels);
  const annotations = parse<Record<string, string>>(row.annotations);
  const status = parse<Record<string, unknown>>(row.status);
  return {
    apiVersion: API_VERSION,
    kind: row.kind as K,
    metadata: {
      name: row.name,
      org: row.org,
      ...(row.grp !== null ? { group: row.grp } : {}),
      ...(row.gateway !== null ? { gateway: row.gateway } : {}),
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
      resourceVersion: row.resource_version,
      generation: row.generation,
      uid: row.uid,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    },
    spec: parse(row.spec) as Resource<K>['spec'],
    ...(status ? { status } : {}),
  };
}

function describe(kind: string, name: string): string {
  return `${kind}/${name}`;
}

function checkVersion(row: Row, expectedVersion: number | undefined, verb: string): void {
  if (expectedVersion !== undefined && row.resource_version !== expectedVersion) {
    throw new StoreConflict(
      `${describe(row.kind, row.name)} was modified: resourceVersion is ${row.resource_version}, the ${verb} was based on ${expectedVersion}`,
    );
  }
}

export function createResourceRepo(db: Kysely<Database>, dialect: StoreDialect): ResourceRepo {
  /** Reads a row; on PostgreSQL locks it until commit so read-modify-write cannot lose updates. */
  async function load(org: string, kind: string, name: string, lock: boolean): Promise<Row | undefined> {
    let q = db.selectFrom('resources').selectAll().where('org', '=', org).where('kind', '=', kind).where('name', '=', name);
    if (lock && dialect === 'postgres') q = q.forUpdate();
    return q.executeTakeFirst();
  }

  async function loadForWrite(org: string, kind: string, name: string): Promise<Row> {
    const row = await load(org, kind, name, true);
    if (!row) throw new StoreConflict(`${describe(kind, name)} does not exist in organization ${org}`);
    return row;
  }

  function labelFilter(labels: Record<string, string>) {
    if (dialect === 'postgres') return [sql<boolean>`(labels::jsonb) @> ${JSON.stringify(labels)}::jsonb`];
    return Object.entries(labels).map(
      ([k, v]) => sql<boolean>`exists (select 1 from json_each(resources.labels) as l where l.key = ${k} and l.type = 'text' and l.value = ${v})`,
    );
  }

  return {
    async get(org, kind, name) {
      const row = await load(org, kind, name, false);
      return row ? toResource(row) : undefined;
    },

    async list<K extends Kind>(org: string, kind: K, opts: ListOptions = {}): Promise<Page<Resource<K>>> {
      const limit = pageLimit(opts.limit);
      let q = db.selectFrom('resources').selectAll().where('org', '=', org).where('kind', '=', kind);
      if (opts.gateway !== undefined) q = q.where('gateway', '=', opts.gateway);
      if (opts.group !== undefined) q = q.where('grp', '=', opts.group);
      if (opts.labels && Object.keys(opts.labels).length > 0) for (const f of labelFilter(opts.labels)) q = q.where(f);
      if (opts.continue) q = q.where('name', '>', decodeContinue(opts.continue));
      const rows = await q.orderBy('name').limit(limit + 1).execute();
      const items = rows.slice(0, limit).map((r) => toResource<K>(r));
      const last = items[items.length - 1];
      return rows.length > limit && last ? { items, continue: encodeContinue(last.metadata.name) } : { items };
    },

    async listOrganizations() {
      const rows = await db
        .selectFrom('resources')
        .selectAll()
        .where('kind', '=', 'Organization')
        .whereRef('org', '=', 'name')
        .orderBy('name')
        .execute();
      return rows.map((r) => toResource<'Organization'>(r));
    },

    async create(input, now, uid) {
      const m = input.metadata;
      const row: Row = {
        org: m.org,
        kind: input.kind,
        name: m.name,
        grp: m.group ?? null,
        gateway: m.gateway ?? null,
        labels: jsonOrNull(m.labels),
        annotations: jsonOrNull(m.annotations),
        spec: JSON.stringify(input.spec ?? null),
        status: null,
        generation: 1,
        resource_version: 1,
        uid,
        created_at: now,
        updated_at: now,
      };
      const res = await db.insertInto('resources').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      if (Number(res.numInsertedOrUpdatedRows ?? 0) === 0) throw new StoreConflict(`${describe(input.kind, m.name)} already exists in organization ${m.org}`);
      return toResource(row);
    },

    async update(input, now, expectedVersion) {
      const m = input.metadata;
      const current = await loadForWrite(m.org, input.kind, m.name);
      checkVersion(current, expectedVersion, 'update');
      const spec = JSON.stringify(input.spec ?? null);
      const specChanged = canonicalJson(JSON.parse(current.spec)) !== canonicalJson(JSON.parse(spec));
      const next: Row = {
        ...current,
        grp: m.group ?? null,
        gateway: m.gateway ?? null,
        labels: jsonOrNull(m.labels),
        annotations: jsonOrNull(m.annotations),
        spec,
        generation: current.generation + (specChanged ? 1 : 0),
        resource_version: current.resource_version + 1,
        updated_at: now,
      };
      await db
        .updateTable('resources')
        .set({ grp: next.grp, gateway: next.gateway, labels: next.labels, annotations: next.annotations, spec, generation: next.generation, resource_version: next.resource_version, updated_at: now })
        .where('org', '=', m.org)
        .where('kind', '=', input.kind)
        .where('name', '=', m.name)
        .execute();
      return toResource(next);
    },

    async updateStatus(org, kind, name, status, now) {
      const current = await loadForWrite(org, kind, name);
      const next: Row = { ...current, status: JSON.stringify(status), resource_version: current.resource_version + 1, updated_at: now };
      await db
        .updateTable('resources')
        .set({ status: next.status, resource_version: next.resource_version, updated_at: now })
        .where('org', '=', org)
        .where('kind', '=', kind)
        .where('name', '=', name)
        .execute();
      return toResource(next);
    },

    async delete(org, kind, name, expectedVersion) {
      const current = await load(org, kind, name, true);
      if (!current) return undefined;
      checkVersion(current, expectedVersion, 'delete');
      await db.deleteFrom('resources').where('org', '=', org).where('kind', '=', kind).where('name', '=', name).execute();
      return toResource(current);
    },
  };
}
