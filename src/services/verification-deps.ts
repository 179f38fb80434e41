import type {
  AuditTrail,
  Clock,
  CodeHasher,
  CodeStore,
  DeliveryIndex,
  Limiter,
  PhoneProtector,
  ServiceMetrics,
  SmsRoute,
  TrafficCounters,
} from './ports.ts';

/** What every verification use case is given; built once in deps.ts. */
export interface VerificationDeps {
  clock: Clock;
  codes: CodeStore;
  hasher: CodeHasher;
  phones: PhoneProtector;
  sms: SmsRoute;
  limiter: Limiter;
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
}
