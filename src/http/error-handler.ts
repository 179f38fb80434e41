import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DependencyUnavailableError, type RefusalCode, RefusedError } from '../kernel/errors.ts';
import { sqlState } from '../kernel/postgres-failure.ts';
import type { Logger } from '../telemetry/logger.ts';
import { problemResponse } from './problem.ts';

const REFUSAL_STATUS: Record<RefusalCode, number> = {
  invalid_request: 400,
  invalid_phone_number: 422,
  outside_code_policy: 422,
  verification_not_found: 404,
  verification_closed: 409,
  invalid_code_format: 422,
  rate_limited: 429,
  budget_exceeded: 429,
  destination_blocked: 403,
  idempotency_key_reused: 422,
  idempotency_in_progress: 409,
  delivery_unavailable: 503,
  factor_not_found: 404,
  factor_closed: 409,
  factor_locked: 423,
  phone_locked: 423,
  invalid_code: 422,
  invalid_filter: 422,
  audit_event_not_found: 404,
  checkpoint_not_found: 404,
  lead_not_found: 404,
  invalid_consent: 422,
  signature_not_found: 404,
  document_mismatch: 409,
  evidence_not_ready: 503,
  webhook_not_found: 404,
  webhook_url_refused: 422,
};

/** The one place where errors become HTTP: refusals keep their code, faults never leak internals. */
export function createErrorHandler(logger: Logger) {
  return (error: Error, c: Context): Response => {
    if (error instanceof RefusedError) {
      return problemResponse(REFUSAL_STATUS[error.code], error.code, error.message, error.extra);
    }
    if (error instanceof DependencyUnavailableError) {
      logger.warn({ dependency: error.dependency, err: error.cause }, 'dependency unavailable');
      return problemResponse(
        503,
        'service_unavailable',
        'A backing store is unavailable; nothing was changed. Retry shortly.',
        { retryAfterSeconds: 5 },
      );
    }
    if (error instanceof HTTPException && error.status === 400) {
      // Hono's JSON validator throws this for a body that is not JSON.
      return problemResponse(400, 'invalid_request', 'The request body is not valid JSON.');
    }
    if (error instanceof HTTPException && error.status === 415) {
      return problemResponse(
        415,
        'unsupported_media_type',
        'Send the body as JSON with Content-Type: application/json.',
      );
    }
    if (error instanceof HTTPException) {
      return problemResponse(error.status, 'http_error', error.message);
    }
    // A bug (a query Postgres refused included): the log gets the stack, its causes and the
    // SQLSTATE (the logger redacts `code` fields); the caller gets nothing of the error.
    logger.error(
      { err: error, sqlState: sqlState(error), path: c.req.routePath },
      'unhandled error',
    );
    return problemResponse(500, 'internal_error', 'Something went wrong on our side.');
  };
}
