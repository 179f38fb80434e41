import type { AuditTrail } from '../audit/index.ts';
import type { Database } from '../db/database.ts';
import { guardAvailability, isPostgresOutage } from '../kernel/availability.ts';
import type { Clock } from '../kernel/clock.ts';
import type { CodeHasher } from '../kernel/crypto/code-hasher.ts';
import type { DerivedKeys } from '../kernel/crypto/derive-keys.ts';
import type { PhoneProtector } from '../kernel/crypto/phone-protector.ts';
import type { Limiter } from '../limits/index.ts';
import type { ServiceMetrics } from '../telemetry/service-metrics.ts';
import type { TotpDeps } from './deps.ts';
import { createPostgresTotpStore } from './postgres-totp-store.ts';

export interface TotpInfra {
  database: Database;
  clock: Clock;
  hasher: CodeHasher;
  phones: PhoneProtector;
  limits: { limiter: Limiter };
  audit: AuditTrail;
  metrics: ServiceMetrics;
  keys: Pick<DerivedKeys, 'totpKey'>;
}

/** TOTP factors on Postgres: what their verbs and endpoints are given. */
export function wire(infra: TotpInfra): TotpDeps {
  return {
    clock: infra.clock,
    hasher: infra.hasher,
    phones: infra.phones,
    limiter: infra.limits.limiter,
    audit: infra.audit,
    metrics: infra.metrics,
    // AES-256-GCM key for secrets at rest (label totp-secret).
    secretKey: infra.keys.totpKey,
    store: guardAvailability(createPostgresTotpStore(infra.database), 'postgres', isPostgresOutage),
  };
}
