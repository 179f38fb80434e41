/**
 * Refusals the use cases raise. They know nothing of HTTP: routes map `code` to a status.
 * Expected outcomes (a wrong code) are values, not errors; these are the requests that change nothing.
 */
export type RefusalCode =
  | 'invalid_request'
  | 'invalid_phone_number'
  | 'outside_code_policy'
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
  | 'phone_locked'
  | 'invalid_filter'
  | 'audit_event_not_found'
  | 'checkpoint_not_found'
  | 'lead_not_found'
  | 'invalid_consent'
  | 'signature_not_found'
  | 'document_mismatch'
  | 'evidence_not_ready'
  | 'webhook_not_found'
  | 'webhook_url_refused';

/**
 * What a refusal names besides its code: the limit hit (a 429's limit name, or the bound of the
 * app's code policy that `field` broke) and when to retry.
 */
export interface RefusalExtra {
  limit?: string | number;
  field?: string;
  retryAfterSeconds?: number;
  /** The fields at fault (invalid_filter), as the schema's 400 names them. */
  errors?: { path: string; message: string }[];
}

export class RefusedError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly extra: RefusalExtra = {},
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

/** A search filter that is well formed but wrong (an unknown type, a bad CIDR, a forged cursor). */
export const invalidFilter = (field: string, message: string) =>
  new RefusedError('invalid_filter', message, { field });
