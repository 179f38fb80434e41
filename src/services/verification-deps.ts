import type {
  Clock,
  CodeHasher,
  CodeStore,
  PhoneProtector,
  ServiceMetrics,
  SmsRoute,
} from './ports.ts';

/** What every verification use case is given; built once in deps.ts. */
export interface VerificationDeps {
  clock: Clock;
  codes: CodeStore;
  hasher: CodeHasher;
  phones: PhoneProtector;
  sms: SmsRoute;
  metrics: ServiceMetrics;
  /** Used when an app has not set its own brand / WebOTP domain. */
  defaults: { brand: string; webOtpDomain: string | undefined };
}
