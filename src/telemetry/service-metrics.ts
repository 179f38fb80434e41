/** What the use cases count; the Prometheus registry lives in telemetry/. */
export interface ServiceMetrics {
  verificationStarted(purpose: string): void;
  codeChecked(outcome: 'approved' | 'wrong' | 'closed'): void;
  smsSent(route: string, outcome: 'sent' | 'failed'): void;
  limitHit(limit: string): void;
  pumpingTrip(scope: string, reason: string, dryRun: boolean): void;
  /** A delivery receipt, with the time from send to receipt. */
  receipt(route: string, status: string, seconds: number): void;
  /** A follow-up write given up on because the store failed; the request was answered anyway. */
  writeLost(write: LostWrite): void;
}

/**
 * Follow-up writes that a request does not wait for or cannot retry: a refund or take-back (lost,
 * a limit stays stricter), a delivery status or receipt index (lost, the verification shows
 * `queued`), an approval's housekeeping, a clean-up after a failure.
 */
export type LostWrite =
  | 'delivery_status'
  | 'receipt_index'
  | 'limit_refund'
  | 'attempt_refund'
  | 'pumping_takeback'
  | 'failures_clear'
  | 'approval_count'
  | 'verification_cancel'
  | 'totp_failure_release'
  | 'totp_step_undo'
  | 'totp_factor_discard'
  | 'verification_observer'
  | 'signature_hook';
