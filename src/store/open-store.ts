// Store factory: PostgreSQL for a postgres:// url, else the embedded SQLite file in the data dir.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../core/ports/store.ts';
import { createPostgresStore } from './postgres.ts';
import { createSqliteStore } from './sqlite.ts';

export interface OpenStoreOptions {
  /** `postgres://…` / `postgresql://…`, or `sqlite:<path>`; default: SQLite at `<dataDir>/clawplane.db`. */
  url?: string;
  dataDir: string;
}

export const SQLITE_FILE_NAME = 'clawplane.db';

/** Opens the configured store and runs pending migrations. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const url = options.url?.trim();
  if (url && /^postgres(ql)?:\/\//i.test(url)) return createPostgresStore(url);
  if (url && url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (!path) throw new Error('store url "sqlite:" needs a file path');
    return createSqliteStore(path);
  }
  if (url) {
    // Only the scheme is echoed: the rest of a url may hold a password.
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
    throw new Error(`unsupported store url${scheme ? ` scheme "${scheme}:"` : ''}: use postgres://… or sqlite:<path>`);
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  return createSqliteStore(join(options.dataDir, SQLITE_FILE_NAME));
}
