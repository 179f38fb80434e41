import type { IdempotencyDeps } from './http/idempotency/idempotent.ts';
import type { Clock } from './kernel/clock.ts';
import type { DevOutbox } from './sms/index.ts';
import type { TotpDeps } from './totp/index.ts';
import type { VerificationDeps } from './verification/index.ts';

/** What route handlers are given (a slice of the composition root). */
export interface RouteDeps extends IdempotencyDeps {
  clock: Clock;
  verification: VerificationDeps;
  totp: TotpDeps;
  outbox: DevOutbox | null;
  /** Minimum time before answering a refusal that could reveal something about a number. */
  refusalFloorMs: number;
}
