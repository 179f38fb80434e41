export type TotpAlgorithm = 'sha1' | 'sha256';

/** A TOTP factor as stored (RFC 6238). `secretSealed` is AES-256-GCM, never the clear secret. */
export interface TotpFactorRecord {
  id: string;
  appId: string;
  userRef: string;
  label: string;
  issuer: string;
  algorithm: TotpAlgorithm;
  digits: 6 | 8;
  period: number;
  secretSealed: string | null;
  status: 'unverified' | 'verified';
  lastUsedStep: number | null;
  failedAttempts: number;
  createdAt: Date;
  confirmedAt: Date | null;
}

/**
 * TOTP factors and their recovery codes (Postgres). Each method is one atomic statement or one
 * transaction, so replays and parallel requests are decided by the database, not by the caller.
 */
export interface TotpStore {
  insert(factor: TotpFactorRecord): Promise<void>;
  /** Removes a factor whose enrolment could not be audited (no factor without its row). */
  discard(id: string): Promise<void>;
  /** A live (not deleted) factor of this app, or null. */
  get(appId: string, id: string): Promise<TotpFactorRecord | null>;
  /** Live factors of one user, oldest first, with how many recovery codes each has left. */
  listForUser(
    appId: string,
    userRef: string,
  ): Promise<(TotpFactorRecord & { recoveryCodesRemaining: number })[]>;
  /**
   * Activates an unverified factor, records `step` as used and stores the recovery code hashes,
   * in one transaction; null when the factor is not (or no longer) unverified.
   */
  confirm(
    appId: string,
    id: string,
    step: number,
    at: Date,
    recoveryCodeHashes: string[],
  ): Promise<TotpFactorRecord | null>;
  /** Undoes a confirmation whose audit row could not be committed. */
  revertConfirm(id: string): Promise<void>;
  /**
   * Reserves one consecutive failure on each verified factor of the user still under `max`;
   * returns the ids reserved (an empty list: every factor is locked).
   */
  reserveFailure(appId: string, userRef: string, max: number): Promise<string[]>;
  /** Gives back reserved failures (nothing was evaluated, or a success). */
  releaseFailure(ids: string[]): Promise<void>;
  /** A success clears the factor's consecutive failures. */
  clearFailures(id: string): Promise<void>;
  /** Accepts `step` only if it is above the last accepted one (RFC 6238 §5.2); atomic. */
  acceptStep(id: string, step: number): Promise<boolean>;
  /** Undoes acceptStep when its audit row could not be committed. */
  revertStep(id: string, step: number, previous: number | null): Promise<void>;
  unusedRecoveryCodes(factorId: string): Promise<{ id: number; codeHash: string }[]>;
  /** Uses up a recovery code; false when another request used it first. */
  useRecoveryCode(id: number, at: Date): Promise<boolean>;
  revertRecoveryCode(id: number): Promise<void>;
  /** Deletes a live factor: its secret and recovery codes are erased. Null when there was none. */
  remove(appId: string, id: string, at: Date): Promise<TotpFactorRecord | null>;
}
