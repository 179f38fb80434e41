import type { AuditTrail } from '../audit/index.ts';
import type { Config } from '../config/config.ts';
import type { IdempotencyStore } from '../http/idempotency/store.ts';
import type { Clock } from '../kernel/clock.ts';
import type { CodeHasher } from '../kernel/crypto/code-hasher.ts';
import type { DerivedKeys } from '../kernel/crypto/derive-keys.ts';
import type { PhoneProtector } from '../kernel/crypto/phone-protector.ts';
import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import type { StoreChoice } from '../kernel/store-choice.ts';
import type { LimitsModule } from '../limits/index.ts';
import type { DeliveryIndex, SmsRoute } from '../sms/index.ts';
import type { ServiceMetrics } from '../telemetry/service-metrics.ts';
import type { CodeStore } from './code-store/code-store.ts';
import { createMemoryCodeStore } from './code-store/memory-code-store.ts';
import { createRedisCodeStore } from './code-store/redis-code-store.ts';
import type { VerificationEndpointDeps } from './endpoints/endpoint-deps.ts';
import { createVerificationObservers } from './observers.ts';
import { VERIFICATION_POLICY } from './record.ts';

/** Default floor for refusals on the send path (see http/refusal-floor.ts). */
const REFUSAL_FLOOR_MS = 100;

/** Pending verifications and their code hashes (Redis, or in process), each kept with a TTL. */
export function openCodeStore(stores: StoreChoice): CodeStore {
  const { retentionMs } = VERIFICATION_POLICY;
  return stores(
    (redis, keyPrefix) => createRedisCodeStore({ redis, keyPrefix, retentionMs }),
    () => createMemoryCodeStore({ retentionMs }),
  );
}

export interface VerificationInfra {
  clock: Clock;
  codes: CodeStore;
  hasher: CodeHasher;
  phones: PhoneProtector;
  subjects: SubjectHmacs;
  limits: LimitsModule;
  sms: { route: SmsRoute; deliveries: DeliveryIndex };
  audit: AuditTrail;
  metrics: ServiceMetrics;
  idempotency: IdempotencyStore;
  keys: Pick<DerivedKeys, 'requestFingerprintKey'>;
  /** Minimum answer time of refusals that could reveal something about a number. */
  refusalFloorMs: number | undefined;
  config: Pick<Config, 'smsBrand' | 'webOtpDomain' | 'allowedCountries'>;
}

/** SMS verifications: what their verbs and endpoints are given. */
export function wire(infra: VerificationInfra): VerificationEndpointDeps {
  const { config, limits, sms } = infra;
  return {
    clock: infra.clock,
    codes: infra.codes,
    hasher: infra.hasher,
    phones: infra.phones,
    subjects: infra.subjects,
    audit: infra.audit,
    metrics: infra.metrics,
    idempotency: infra.idempotency,
    fingerprintKey: infra.keys.requestFingerprintKey,
    refusalFloorMs: infra.refusalFloorMs ?? REFUSAL_FLOOR_MS,
    defaults: { brand: config.smsBrand, webOtpDomain: config.webOtpDomain },
    operatorCountries: config.allowedCountries,
    limiter: limits.limiter,
    cooldowns: limits.cooldowns,
    phoneLocks: limits.phoneLocks,
    traffic: limits.traffic,
    sms: sms.route,
    deliveries: sms.deliveries,
    observers: createVerificationObservers(),
  };
}
