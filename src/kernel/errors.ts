/**
 * Refusals the use cases raise. They know nothing of HTTP: routes map `code` to a status.
 * Expected outcomes (a wrong code) are values, not errors; these are the requests that change nothing.
 */
export type RefusalCode =
  | 'invalid_request'
  | 'invalid_phone_number'
  | 'verification_not_found'
  | 'verification_closed'
  | 'invalid_code_format'
  | 'rate_limited'
  | 'budget_exceeded'
  | 'destination_blocked'
  | 'idempotency_key_reused'
  | 'idempotency_in_progress'
  | 'delivery_unavailable'
  | 'factor_not_found'
  | 'factor_closed'
  | 'factor_locked'
  | 'invalid_code'
  | 'lead_not_found'
  | 'invalid_cursor'
  | 'invalid_consent';

export class RefusedError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly extra: { limit?: string; retryAfterSeconds?: number } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'RefusedError';
  }
}

export type Dependency = 'redis' | 'postgres';

/** A store did not answer. The request must fail as a whole: no SMS, no approval. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: Dependency,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is unavailable`, options);
    this.name = 'DependencyUnavailableError';
  }
}

export const notFound = () =>
  new RefusedError('verification_not_found', 'No verification with this id exists for this app.');
