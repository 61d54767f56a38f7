// Persistence port. Implemented by src/store (SQLite via node:sqlite, PostgreSQL via pg) over Kysely.
// Every repository call happens inside `Store.transaction`; repositories are bound to it.
import type { Kind, Resource, Role } from '../resources.ts';
import type { LoginThrottleRepo, SessionRepo } from './identity-store.ts';

export interface ListOptions {
  /** Equality selector, e.g. {env: "prod"}; all pairs must match. */
  labels?: Record<string, string>;
  gateway?: string;
  group?: string;
  /** Page size (default 500, max 1000) and opaque continue token from the previous page. */
  limit?: number;
  continue?: string;
}

export interface Page<T> {
  items: T[];
  continue?: string;
}

/** Input for create/update: what the user controls. Server fields are assigned by the store. */
export interface ResourceInput<K extends Kind = Kind> {
  kind: K;
  metadata: { name: string; org: string; group?: string; gateway?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: unknown;
}

export interface ResourceRepo {
  get<K extends Kind>(org: string, kind: K, name: string): Promise<Resource<K> | undefined>;
  list<K extends Kind>(org: string, kind: K, opts?: ListOptions): Promise<Page<Resource<K>>>;
  /** All organizations (Organization resources live with org = their own name). */
  listOrganizations(): Promise<Resource<'Organization'>[]>;
  /** Creates with generation 1, resourceVersion 1. Throws StoreConflict when it exists. */
  create<K extends Kind>(input: ResourceInput<K>, now: string, uid: string): Promise<Resource<K>>;
  /**
   * Replaces metadata (labels, annotations, group, gateway) and spec. Bumps resourceVersion always and
   * generation when spec changed. With `expectedVersion`, throws StoreConflict when it differs.
   */
  update<K extends Kind>(input: ResourceInput<K>, now: string, expectedVersion?: number): Promise<Resource<K>>;
  /** Replaces status only: bumps resourceVersion, never generation. */
  updateStatus<K extends Kind>(org: string, kind: K, name: string, status: Record<string, unknown>, now: string): Promise<Resource<K>>;
  /** Returns the deleted resource, or undefined when it did not exist. */
  delete<K extends Kind>(org: string, kind: K, name: string, expectedVersion?: number): Promise<Resource<K> | undefined>;
}

export interface AuditEventInput {
  org: string;
  actor: string;
  action: string;
  target: string;
  /** JSON diff, secrets already redacted by the caller. */
  diff: unknown;
  requestId?: string;
  time: string;
}

export interface AuditEvent extends AuditEventInput {
  seq: number;
  prevHash: string;
  hash: string;
}

export interface AuditRepo {
  /** Appends with the chain: computes prevHash from the org's last event and the event's hash. */
  append(event: AuditEventInput): Promise<AuditEvent>;
  /** Ascending seq; limit default 500, max 1000. */
  list(org: string, opts?: { afterSeq?: number; limit?: number; target?: string }): Promise<AuditEvent[]>;
  /** The org's last appended event (seq 0 / GENESIS_HASH when none): detects events removed from the end. */
  head(org: string): Promise<{ seq: number; hash: string }>;
}

export interface User {
  id: string;
  name: string;
  createdAt: string;
  /** "issuer|sub" of the OIDC identity this user was provisioned from (never a secret). */
  oidcSubject?: string;
}

export interface ApiTokenRecord {
  id: string;
  userId: string;
  /** sha256 of the token; the token itself is never stored. */
  hash: string;
  description: string;
  expiresAt?: string;
  createdAt: string;
  /** Scopes the token is limited to (see src/core/scopes.ts); absent = everything its user may do. */
  scopes?: string[];
  /** Limits the token to one organization. */
  org?: string;
  /** Binds the token to an Agent principal (name in `org`): it can never change that agent's own permissions. */
  agent?: string;
}

export interface RoleGrant {
  userId: string;
  org: string;
  role: Role;
}

export interface AuthRepo {
  createUser(user: User): Promise<User>;
  getUser(id: string): Promise<User | undefined>;
  getUserByName(name: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  createToken(token: ApiTokenRecord): Promise<void>;
  findTokenByHash(hash: string): Promise<ApiTokenRecord | undefined>;
  listTokens(userId: string): Promise<ApiTokenRecord[]>;
  deleteToken(id: string): Promise<boolean>;
  /** Replaces the user's role in the org ("*" org = every org). */
  grant(grant: RoleGrant): Promise<void>;
  revoke(userId: string, org: string): Promise<boolean>;
  grantsOf(userId: string): Promise<RoleGrant[]>;
  grantsIn(org: string): Promise<RoleGrant[]>;
  /** Deletes the user with its tokens, grants and sessions. */
  deleteUser(id: string): Promise<boolean>;
  /** The KDF string ("scrypt$…") or undefined when the user has no password (SSO only). */
  getPasswordHash(userId: string): Promise<string | undefined>;
  setPasswordHash(userId: string, hash: string | undefined): Promise<void>;
  getUserByOidcSubject(subject: string): Promise<User | undefined>;
  setOidcSubject(userId: string, subject: string): Promise<void>;
  getToken(id: string): Promise<ApiTokenRecord | undefined>;
}

/** What a revision records: never secret values (files hold SecretRefs only; env by name). */
export interface RevisionInput {
  org: string;
  gateway: string;
  createdAt: string;
  /** The deployment's specHash (covers files, runtime, env values: a hash, never the values). */
  specHash: string;
  /** sha256 of the main config file, for display. */
  configHash: string;
  runtimeVersion: string;
  /** Rendered files by relative path (openclaw.json, workspace files). */
  files: Record<string, string>;
  envNames: string[];
  /** What led to it, e.g. "generation 3" or "rollback to 1". */
  cause: string;
}

export interface Revision extends RevisionInput {
  /** 1, 2, 3… per gateway. */
  number: number;
  knownGood: boolean;
}

export interface RevisionRepo {
  /** Appends with the next number of the gateway (1 for the first). */
  append(input: RevisionInput): Promise<Revision>;
  /** Ascending by number. */
  list(org: string, gateway: string): Promise<Revision[]>;
  get(org: string, gateway: string, number: number): Promise<Revision | undefined>;
  /** Sets knownGood; returns false when there is no such revision. */
  markKnownGood(org: string, gateway: string, number: number): Promise<boolean>;
}

/** Failed rollouts per runtime version (the rollout circuit breaker, ADR 0010). */
export interface VersionBreaker {
  org: string;
  /** Runtime version, e.g. "2026.9.6". */
  version: string;
  failures: number;
  lastFailureAt: string;
  /** The rollout that failed last. */
  lastRollout: string;
}

export interface BreakerRepo {
  /** Adds one failure of `version` (creates the record at 1) and returns the record. */
  recordFailure(org: string, version: string, rollout: string, now: string): Promise<VersionBreaker>;
  get(org: string, version: string): Promise<VersionBreaker | undefined>;
  /** Ascending by version. */
  list(org: string): Promise<VersionBreaker[]>;
  /** Resets the count (deletes the record); false when there was none. */
  clear(org: string, version: string): Promise<boolean>;
}

export interface Repos {
  resources: ResourceRepo;
  audit: AuditRepo;
  auth: AuthRepo;
  revisions: RevisionRepo;
  sessions: SessionRepo;
  loginThrottle: LoginThrottleRepo;
  breakers: BreakerRepo;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  transaction<T>(fn: (repos: Repos) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Thrown by repositories on unique-key or optimistic-concurrency conflicts. */
export class StoreConflict extends Error {
  override name = 'StoreConflict';
}

/** Thrown by repositories on malformed arguments from the caller, e.g. an invalid continue token. */
export class StoreInvalidInput extends Error {
  override name = 'StoreInvalidInput';
}
