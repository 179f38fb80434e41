import type { Redis } from 'ioredis';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import { guardAvailability, isPostgresOutage } from '../kernel/availability.ts';
import type { DerivedKeys } from '../kernel/crypto/derive-keys.ts';
import type { AccessStore } from './access-store.ts';
import { createApiKeyHasher } from './api-key-format.ts';
import { ensureBootstrapKey } from './api-keys.ts';
import { createPostgresAccessStore } from './postgres-access-store.ts';
import { cachePrincipals } from './principal-cache.ts';
import { redisRevocations } from './revocations.ts';

/**
 * How long an API key lookup is cached. With Redis, revocations are announced and a key revoked
 * anywhere is refused within a second (principal-cache.ts); this is the bound only without Redis
 * (one process, which evicts what it revokes at once) or for a revocation that could not be
 * announced (the CLI says so).
 */
export const PRINCIPAL_CACHE_MS = 10_000;

export interface AccessInfra {
  database: Database;
  redis: Redis | null;
  keys: Pick<DerivedKeys, 'apiKeyHashKey'>;
  config: Pick<Config, 'bootstrapApiKey' | 'redisKeyPrefix'>;
  onClose: (close: () => Promise<void>) => void;
}

/** Apps and API keys on Postgres, with key lookups cached briefly and revocations heard. */
export async function wire(infra: AccessInfra): Promise<AccessStore> {
  const store = cachePrincipals(
    guardAvailability(
      createPostgresAccessStore(infra.database, createApiKeyHasher(infra.keys.apiKeyHashKey)),
      'postgres',
      isPostgresOutage,
    ),
    {
      ttlMs: PRINCIPAL_CACHE_MS,
      maxEntries: 10_000,
      revocations: infra.redis
        ? redisRevocations(infra.redis, infra.config.redisKeyPrefix)
        : undefined,
    },
  );
  infra.onClose(await store.listen());
  const key = infra.config.bootstrapApiKey;
  if (key) await ensureBootstrapKey({ store, key });
  return store;
}
