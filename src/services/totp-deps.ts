import type {
  AuditTrail,
  Clock,
  CodeHasher,
  Limiter,
  PhoneProtector,
  ServiceMetrics,
  TotpStore,
} from './ports.ts';

/** What the TOTP use cases are given; built once in deps.ts. */
export interface TotpDeps {
  clock: Clock;
  store: TotpStore;
  /** Peppered argon2id, for recovery codes (the same hasher as SMS codes). */
  hasher: CodeHasher;
  /** Its HMAC keys failed-attempt counters and audit rows by user, never the clear user_ref. */
  phones: PhoneProtector;
  limiter: Limiter;
  audit: AuditTrail;
  metrics: ServiceMetrics;
  /** AES-256-GCM key for secrets at rest (derive-keys.ts, label totp-secret). */
  secretKey: Buffer;
}
