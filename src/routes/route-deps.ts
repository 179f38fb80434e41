import type { IdempotencyDeps } from '../http/idempotent.ts';
import type { Clock } from '../services/ports.ts';
import type { TotpDeps } from '../services/totp-deps.ts';
import type { VerificationDeps } from '../services/verification-deps.ts';
import type { DevOutbox } from '../sms/dev-outbox.ts';

/** What route handlers are given (a slice of the composition root). */
export interface RouteDeps extends IdempotencyDeps {
  clock: Clock;
  verification: VerificationDeps;
  totp: TotpDeps;
  outbox: DevOutbox | null;
  /** Minimum time before answering a refusal that could reveal something about a number. */
  refusalFloorMs: number;
}
