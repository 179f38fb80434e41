import type { Redis } from 'ioredis';
import type { AccessStore } from '../access/index.ts';
import type { AuditTrail } from '../audit/index.ts';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import type { Clock } from '../kernel/clock.ts';
import type { PhoneProtector } from '../kernel/crypto/phone-protector.ts';
import type { StoreChoice } from '../kernel/store-choice.ts';
import type { Limiter } from '../limits/index.ts';
import type { ConsoleDeps } from './routes.tsx';
import { createMemorySessionStore, createRedisSessionStore } from './session-store.ts';
import { createSqlConsoleReads } from './sql-reads.ts';

export interface ConsoleInfra {
  config: Pick<Config, 'trustProxy' | 'publicUrl'>;
  clock: Clock;
  database: Database;
  stores: StoreChoice;
  phones: PhoneProtector;
  access: AccessStore;
  audit: AuditTrail;
  limiter: Limiter;
}

/**
 * The console over the same stores as the API: sessions in Redis (or in process for the embedded
 * default), key lookups through the access store, reads of `audit_events`.
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
    reads: createSqlConsoleReads(infra.database, infra.phones),
    trustProxy: infra.config.trustProxy,
    publicOrigin: infra.config.publicUrl ? new URL(infra.config.publicUrl).origin : null,
  };
}
