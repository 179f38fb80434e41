import type { Clock } from '../services/ports.ts';
import type { VerificationDeps } from '../services/verification-deps.ts';
import type { DevOutbox } from '../sms/dev-outbox.ts';

/** What route handlers are given (a slice of the composition root). */
export interface RouteDeps {
  clock: Clock;
  verification: VerificationDeps;
  outbox: DevOutbox | null;
}
