import type { AuditTrail } from '../audit/index.ts';
import type { Clock } from '../kernel/clock.ts';
import type { CodeHasher } from '../kernel/crypto/code-hasher.ts';
import type { PhoneProtector } from '../kernel/crypto/phone-protector.ts';
import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import type { Limiter, PhoneLocks, SendCooldowns, TrafficCounters } from '../limits/index.ts';
import type { DeliveryIndex, SmsRoute } from '../sms/index.ts';
import type { ServiceMetrics } from '../telemetry/service-metrics.ts';
import type { CodeStore } from './code-store/code-store.ts';
import type { VerificationObservers } from './observers.ts';

/** What every verification use case is given; built once in infra.ts. */
export interface VerificationDeps {
  clock: Clock;
  codes: CodeStore;
  hasher: CodeHasher;
  phones: PhoneProtector;
  /** The HMAC rows and limit keys about a number carry (its subject key, README). */
  subjects: SubjectHmacs;
  sms: SmsRoute;
  limiter: Limiter;
  /** The time between two sends to one number, new verification or resend. */
  cooldowns: SendCooldowns;
  /** Each number's failed checks until a success: its lasting lock. */
  phoneLocks: PhoneLocks;
  /** Provider message ids of sent codes, for delivery receipts. */
  deliveries: DeliveryIndex;
  /** Sliding-window counters of the SMS pumping watch. */
  traffic: TrafficCounters;
  audit: AuditTrail;
  metrics: ServiceMetrics;
  /** Used when an app has not set its own brand / WebOTP domain. */
  defaults: { brand: string; webOtpDomain: string | undefined };
  /** Countries the operator enables (ALLOWED_COUNTRIES); null = all. Apps may narrow it further. */
  operatorCountries: ReadonlySet<string> | null;
  /** Modules told of approvals, wrong codes and resends (leads). */
  observers: VerificationObservers;
}
