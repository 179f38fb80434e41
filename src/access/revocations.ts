import type { Redis } from 'ioredis';

/**
 * How a revocation reaches every process that caches API key lookups (README, Threat model). With
 * Redis: a message on a channel, heard at once, and a counter bumped before it, which each process
 * reads at most once a second so that a message it missed (its subscriber was reconnecting) holds
 * for one second at most. Only key ids travel, never a key or its hash.
 */
export interface Revocations {
  /** Bumps the counter, then publishes `keyId`; rejects when Redis cannot be reached. */
  announce(keyId: string): Promise<void>;
  /** The counter's value (null until the first revocation); rejects when Redis cannot be read. */
  version(): Promise<string | null>;
  /**
   * Calls `revoked` with each announced key id, and `missed` whenever the subscription drops (a
   * message may go unheard until it is back); resolves once subscribed, with a stop.
   */
  listen(on: { revoked(keyId: string): void; missed(): void }): Promise<() => Promise<void>>;
}

/** A revocation committed in Postgres that other processes could not be told of through Redis. */
export class RevocationUnannouncedError extends Error {
  constructor(
    readonly keyId: string,
    options: { cause: unknown },
  ) {
    super(
      `${keyId} is revoked, but running instances could not be told through Redis: each refuses it once its cached lookup expires`,
      options,
    );
    this.name = 'RevocationUnannouncedError';
  }
}

/** The Redis names, under REDIS_KEY_PREFIX (README, Administration). */
export function revocationNames(keyPrefix: string): { channel: string; counter: string } {
  return { channel: `${keyPrefix}access:revoked`, counter: `${keyPrefix}access:revocations` };
}

export function redisRevocations(redis: Redis, keyPrefix: string): Revocations {
  const { channel, counter } = revocationNames(keyPrefix);
  return {
    async announce(keyId) {
      try {
        // One MULTI: whoever hears the message and then reads the counter sees it bumped.
        const results = await redis.multi().incr(counter).publish(channel, keyId).exec();
        const failed = results?.find(([error]) => error !== null)?.[0];
        if (results === null || failed) throw failed ?? new Error('MULTI discarded');
      } catch (cause) {
        throw new RevocationUnannouncedError(keyId, { cause });
      }
    },
    version: () => redis.get(counter),
    async listen(on) {
      // A connection in SUBSCRIBE mode can send nothing else: it gets its own. ioredis reconnects
      // it and subscribes again on its own; what is published meanwhile, the counter catches.
      const subscriber = redis.duplicate({ lazyConnect: true });
      subscriber.on('error', () => {}); // reported by `close`, below
      subscriber.on('close', () => on.missed());
      subscriber.on('message', (from: string, keyId: string) => {
        if (from === channel) on.revoked(keyId);
      });
      try {
        await subscriber.connect();
        await subscriber.subscribe(channel);
      } catch (error) {
        subscriber.disconnect();
        throw error;
      }
      return async () => subscriber.disconnect();
    },
  };
}
