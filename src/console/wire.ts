import type { Redis } from 'ioredis';
import type { AccessStore } from '../access/index.ts';
import type { AuditSearchDeps, AuditTrail } from '../audit/index.ts';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import type { Clock } from '../kernel/clock.ts';
import type { StoreChoice } from '../kernel/store-choice.ts';
import type { Limiter } from '../limits/index.ts';
import type { ConsoleDeps } from './routes.tsx';
import { createMemorySessionStore, createRedisSessionStore } from './session-store.ts';
import { createSqlConsoleStats } from './sql-stats.ts';

export interface ConsoleInfra {
  config: Pick<Config, 'trustProxy' | 'publicUrl'>;
  clock: Clock;
  database: Database;
  stores: StoreChoice;
  access: AccessStore;
  audit: AuditTrail;
  auditSearch: AuditSearchDeps;
  limiter: Limiter;
}

/**
 * The console over the same stores as the API: sessions in Redis (or in process for the embedded
 * default), key lookups through the access store, the audit module's search.
 */
export function wire(infra: ConsoleInfra): ConsoleDeps {
  return {
    access: infra.access,
    audit: infra.audit,
    limiter: infra.limiter,
    clock: infra.clock,
    sessions: infra.stores(
      (redis: Redis, keyPrefix) => createRedisSessionStore(redis, keyPrefix),
      () => createMemorySessionStore(() => infra.clock.now()),
    ),
    search: infra.auditSearch,
    stats: createSqlConsoleStats(infra.database),
    trustProxy: infra.config.trustProxy,
    publicOrigin: infra.config.publicUrl ? new URL(infra.config.publicUrl).origin : null,
  };
}
