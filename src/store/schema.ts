// Row types of the control-plane database, shared by both dialects. JSON columns are stored as
// text in both (parsed by the repositories), times as ISO-8601 text.
export interface ResourcesTable {
  org: string;
  kind: string;
  name: string;
  grp: string | null;
  gateway: string | null;
  labels: string | null;
  annotations: string | null;
  spec: string;
  status: string | null;
  generation: number;
  resource_version: number;
  uid: string;
  created_at: string;
  updated_at: string;
}

export interface AuditEventsTable {
  org: string;
  seq: number;
  time: string;
  actor: string;
  action: string;
  target: string;
  diff: string;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  org: string;
  seq: number;
  hash: string;
}

export interface UsersTable {
  id: string;
  name: string;
  created_at: string;
  password_hash: string | null;
  oidc_subject: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  hash: string;
  description: string;
  expires_at: string | null;
  created_at: string;
  scopes: string | null;
  org: string | null;
  agent: string | null;
}

export interface SessionsTable {
  hash: string;
  user_id: string;
  method: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  locked_until: string | null;
  updated_at: string;
}

export interface RoleGrantsTable {
  user_id: string;
  org: string;
  role: string;
}

export interface RevisionsTable {
  org: string;
  gateway: string;
  number: number;
  created_at: string;
  spec_hash: string;
  config_hash: string;
  runtime_version: string;
  files: string;
  env_names: string;
  cause: string;
  known_good: number;
}

export interface RolloutBreakersTable {
  org: string;
  version: string;
  failures: number;
  last_failure_at: string;
  last_rollout: string;
}

export interface Database {
  revisions: RevisionsTable;
  rollout_breakers: RolloutBreakersTable;
  resources: ResourcesTable;
  audit_events: AuditEventsTable;
  audit_heads: AuditHeadsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  role_grants: RoleGrantsTable;
  sessions: SessionsTable;
  login_throttle: LoginThrottleTable;
}

export type StoreDialect = 'sqlite' | 'postgres';
