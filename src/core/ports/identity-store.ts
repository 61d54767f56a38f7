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
  /** Deletes sessions past their absolute expiry or idle since before `idleBefore`; returns how many. */
  purgeExpired(now: string, idleBefore: string): Promise<number>;
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
  /** Forgets records last updated before `before` whose lock (if any) has ended by `now`. */
  purgeStale(before: string, now: string): Promise<number>;
}
