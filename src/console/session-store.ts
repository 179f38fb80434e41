import type { Redis } from 'ioredis';

/** A signed-in console session, as kept server-side (never in the cookie). */
export interface ConsoleSession {
  /** The HMAC of the API key signed in with (api_keys.key_hash): looked up again on every request. */
  keyHash: string;
  keyId: string;
  appId: string;
  /** The synchronizer token every form of this session carries (OWASP CSRF Cheat Sheet). */
  csrf: string;
  /** Epoch ms: the absolute lifetime counts from here. */
  createdAt: number;
  /** Epoch ms of the last request: the idle lifetime counts from here. */
  lastSeenAt: number;
}

/**
 * Sessions by the SHA-256 of their cookie token, so a read of the store (a Redis dump) yields no
 * cookie that works. Each entry expires on its own after `ttlMs` without a `put`.
 */
export interface SessionStore {
  put(id: string, session: ConsoleSession, ttlMs: number): Promise<void>;
  get(id: string): Promise<ConsoleSession | null>;
  delete(id: string): Promise<void>;
}

export function createRedisSessionStore(redis: Redis, keyPrefix: string): SessionStore {
  const key = (id: string) => `${keyPrefix}console:session:${id}`;
  return {
    async put(id, session, ttlMs) {
      await redis.set(key(id), JSON.stringify(session), 'PX', Math.max(1, Math.ceil(ttlMs)));
    },
    async get(id) {
      const text = await redis.get(key(id));
      return text === null ? null : (JSON.parse(text) as ConsoleSession);
    },
    async delete(id) {
      await redis.del(key(id));
    },
  };
}

/** The embedded default's sessions (one process); expired entries go on the next write. */
export function createMemorySessionStore(now: () => number): SessionStore & { close(): void } {
  const entries = new Map<string, { session: ConsoleSession; expiresAt: number }>();
  return {
    async put(id, session, ttlMs) {
      const at = now();
      for (const [other, entry] of entries) if (entry.expiresAt <= at) entries.delete(other);
      entries.set(id, { session, expiresAt: at + ttlMs });
    },
    async get(id) {
      const entry = entries.get(id);
      return entry && entry.expiresAt > now() ? entry.session : null;
    },
    async delete(id) {
      entries.delete(id);
    },
    close: () => entries.clear(),
  };
}
