import type { Redis } from 'ioredis';
import type { AccessStore } from '../access/index.ts';
import type { AuditSearchDeps, AuditStatsReader, AuditTrail } from '../audit/index.ts';
import type { Config } from '../config/config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { StoreChoice } from '../kernel/store-choice.ts';
import type { Limiter } from '../limits/index.ts';
import type { ConsoleDeps } from './routes.tsx';
import { createMemorySessionStore, createRedisSessionStore } from './session-store.ts';

export interface ConsoleInfra {
  config: Pick<Config, 'trustProxy' | 'publicUrl'>;
  clock: Clock;
  stores: StoreChoice;
  access: AccessStore;
  audit: AuditTrail;
  auditSearch: AuditSearchDeps;
  /** The audit module's stats reader (hourly counts), as GET /v1/audit/stats reads them. */
  auditStats: AuditStatsReader;
  limiter: Limiter;
}

/**
 * The console over the same stores as the API: sessions in Redis (or in process for the embedded
 * default), key lookups through the access store, the audit module's search, stats and export.
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
    stats: infra.auditStats,
    trustProxy: infra.config.trustProxy,
    publicOrigin: infra.config.publicUrl ? new URL(infra.config.publicUrl).origin : null,
  };
}
