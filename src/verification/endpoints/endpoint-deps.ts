import type { IdempotencyDeps } from '../../http/idempotency/idempotent.ts';
import type { VerificationDeps } from '../deps.ts';

/** What the verification endpoints are given: the verbs' dependencies and the HTTP layer's. */
export interface VerificationEndpointDeps extends VerificationDeps, IdempotencyDeps {
  /** Minimum time before answering a refusal that could reveal something about a number. */
  refusalFloorMs: number;
}
