import type { Redis } from 'ioredis';

/**
 * Builds one store on Redis when the deployment has one (guarded, so an outage is a 503), else
 * the embedded in-process one (closed with the runtime). Modules pick their implementations with it
 * without knowing which deployment they are in.
 */
export type StoreChoice = <T extends object>(
  onRedis: (redis: Redis, keyPrefix: string) => T,
  inProcess: () => T & { close(): unknown },
) => T;
