import type { AuditTrail } from '../audit/index.ts';
import type { Clock } from '../kernel/clock.ts';
import type { CodeHasher } from '../kernel/crypto/code-hasher.ts';
import type { PhoneProtector } from '../kernel/crypto/phone-protector.ts';
import type { Limiter } from '../limits/index.ts';
import type { ServiceMetrics } from '../telemetry/service-metrics.ts';
import type { TotpStore } from './store.ts';

/** What the TOTP use cases are given; built once in infra.ts. */
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
