import type {
  DeliveryStatus,
  Purpose,
  VerificationIdentity,
  VerificationRecord,
} from '../record.ts';

export type CheckStart =
  | { kind: 'not_found' }
  /** Not pending, expired or out of attempts: nothing was spent. */
  | { kind: 'closed'; record: VerificationRecord }
  /** One attempt was counted atomically before the caller compares the code. */
  | { kind: 'evaluate'; record: VerificationRecord; codeHash: string };

export type ReplaceCodeResult =
  | { kind: 'not_found' }
  | { kind: 'closed'; record: VerificationRecord }
  | { kind: 'cooldown'; record: VerificationRecord; retryAfterMs: number }
  | { kind: 'max_sends'; record: VerificationRecord }
  | { kind: 'replaced'; record: VerificationRecord };

/**
 * Pending verifications and their code hashes, each key with a TTL. Every method is atomic on its
 * own: two concurrent calls never both see the state from before the other.
 */
export interface CodeStore {
  /**
   * Stores a new verification and cancels the pending one for the same app, number and purpose,
   * atomically; answers the id of the one it cancelled (null when none was pending), whose
   * cancellation the caller audits.
   */
  create(record: VerificationRecord, codeHash: string): Promise<{ superseded: string | null }>;
  /**
   * The pending verification a `create` for this app, purpose and number would cancel now, or
   * null: read ahead so that its cancellation is audited in the same commit as the new one.
   */
  pendingFor(appId: string, purpose: Purpose, phoneHmac: string): Promise<string | null>;
  get(appId: string, id: string): Promise<VerificationRecord | null>;
  /**
   * What never changes about a verification, for a check to key its limits on: it may come from
   * process memory while the code lives (saves a round trip per check). null when unknown; the
   * check itself (beginCheck) still judges the stored state.
   */
  identify(appId: string, id: string, now: number): Promise<VerificationIdentity | null>;
  /**
   * Counts an attempt before any comparison, so N parallel guesses never exceed the budget. With a
   * `checkToken` (unique to this check), the attempt is recorded under it for withdrawCheck, and
   * nothing is counted if that token was withdrawn already.
   */
  beginCheck(appId: string, id: string, now: number, checkToken?: string): Promise<CheckStart>;
  /** Consumes the code if it is still pending and still the code `codeVersion` names. */
  approve(
    appId: string,
    id: string,
    codeVersion: number,
    now: number,
  ): Promise<{ approved: boolean; record: VerificationRecord | null }>;
  /** A resend: a new code and a new expiry, attempts unchanged. Cooldown and send cap re-checked atomically. */
  replaceCode(
    appId: string,
    id: string,
    codeHash: string,
    now: number,
    cooldownMs: number,
  ): Promise<ReplaceCodeResult>;
  /** Cancels a pending, unexpired verification; returns the record as it stands, or null when gone. */
  cancel(appId: string, id: string, now: number): Promise<VerificationRecord | null>;
  /**
   * Undoes an approval whose audit row could not be committed (no approval without its row): the
   * code is live again, with its attempt given back, if nothing else changed it meanwhile.
   */
  revertApproval(
    appId: string,
    id: string,
    codeVersion: number,
    codeHash: string,
    now: number,
  ): Promise<boolean>;
  /** Gives back the attempt of a check whose audit row could not be committed. */
  refundAttempt(appId: string, id: string, codeVersion: number): Promise<void>;
  /**
   * Gives back the attempt that the check with `checkToken` counted, whatever became of it: once,
   * and only while its code is the current one; if that check has not reached the store yet, it
   * will count nothing when it does. For a check whose answer never came (the store stalled), so
   * its attempt may or may not have been counted. True when an attempt was given back.
   */
  withdrawCheck(appId: string, id: string, checkToken: string): Promise<boolean>;
  setDelivery(
    appId: string,
    id: string,
    status: DeliveryStatus,
    route: string | null,
  ): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
