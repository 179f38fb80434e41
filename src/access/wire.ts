import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import { guardAvailability, isPostgresOutage } from '../kernel/availability.ts';
import type { DerivedKeys } from '../kernel/crypto/derive-keys.ts';
import type { AccessStore } from './access-store.ts';
import { createApiKeyHasher } from './api-key-format.ts';
import { ensureBootstrapKey } from './api-keys.ts';
import { createPostgresAccessStore } from './postgres-access-store.ts';
import { cachePrincipals } from './principal-cache.ts';

/** How long an API key lookup is cached; a key revoked by another process stops working within this. */
const PRINCIPAL_CACHE_MS = 10_000;

export interface AccessInfra {
  database: Database;
  keys: Pick<DerivedKeys, 'apiKeyHashKey'>;
  config: Pick<Config, 'bootstrapApiKey'>;
}

/** Apps and API keys on Postgres, with key lookups cached briefly. */
export async function wire(infra: AccessInfra): Promise<AccessStore> {
  const store = cachePrincipals(
    guardAvailability(
      createPostgresAccessStore(infra.database, createApiKeyHasher(infra.keys.apiKeyHashKey)),
      'postgres',
      isPostgresOutage,
    ),
    { ttlMs: PRINCIPAL_CACHE_MS, maxEntries: 10_000 },
  );
  const key = infra.config.bootstrapApiKey;
  if (key) await ensureBootstrapKey({ store, key });
  return store;
}
