// Persistence of dashboard sessions and login throttling (part of the Store port).

export interface SessionRecord {
  /** sha256 of the session id; the id itself lives only in the browser's cookie. */
  hash: string;
  userId: string;
  /** How the user signed in: "password" or "oidc". */
  method: string;
  createdAt: string;
  lastSeenAt: string;
  /** Absolute expiry; the idle timeout is checked against lastSeenAt. */
  expiresAt: string;
}

export interface SessionRepo {
  create(session: SessionRecord): Promise<void>;
  find(hash: string): Promise<SessionRecord | undefined>;
  touch(hash: string, lastSeenAt: string): Promise<void>;
  delete(hash: string): Promise<boolean>;
  /** Ends every session of a user (password change, removal); returns how many. */
  deleteForUser(userId: string): Promise<number>;
}

/** Failed-login bookkeeping per key ("user:NAME" or "ip:ADDRESS"). */
export interface LoginThrottleRecord {
  key: string;
  failures: number;
  lockedUntil?: string;
  updatedAt: string;
}

export interface LoginThrottleRepo {
  get(key: string): Promise<LoginThrottleRecord | undefined>;
  put(record: LoginThrottleRecord): Promise<void>;
  clear(key: string): Promise<void>;
}
