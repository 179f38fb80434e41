/**
 * The outside world as the use cases see it. Implementations live in stores/, sms/ and crypto/;
 * only deps.ts joins them, so tests build the app over real Redis and Postgres or the embedded ones.
 */
import type { RateRule } from '../domain/limit-policy.ts';
import type {
  DeliveryStatus,
  Purpose,
  VerificationIdentity,
  VerificationRecord,
} from '../domain/verification.ts';

/** Epoch milliseconds; injected so expiry and cooldowns are tested without sleeping. */
export interface Clock {
  now(): number;
}

export interface CodeHasher {
  hash(code: string): Promise<string>;
  /** Constant-time comparison happens inside argon2's verify. */
  verify(encodedHash: string, code: string): Promise<boolean>;
}

/** Phone numbers never rest in clear: an HMAC joins records, a sealed copy serves resends. */
export interface PhoneProtector {
  hmac(e164: string): string;
  seal(e164: string, recordId: string): string;
  open(sealed: string, recordId: string): string;
}

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
  /** Stores a new verification and cancels the pending one for the same app, number and purpose. */
  create(record: VerificationRecord, codeHash: string): Promise<void>;
  get(appId: string, id: string): Promise<VerificationRecord | null>;
  /**
   * What never changes about a verification, for a check to key its limits on: it may come from
   * process memory while the code lives (saves a round trip per check). null when unknown; the
   * check itself (beginCheck) still judges the stored state.
   */
  identify(appId: string, id: string, now: number): Promise<VerificationIdentity | null>;
  /** Counts an attempt before any comparison, so N parallel guesses never exceed the budget. */
  beginCheck(appId: string, id: string, now: number): Promise<CheckStart>;
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
  setDelivery(
    appId: string,
    id: string,
    status: DeliveryStatus,
    route: string | null,
  ): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OutgoingSms {
  /** The app the message is sent for (the dev outbox shows each app its own messages only). */
  appId: string;
  /** E.164; only SMS routes ever see the clear number. */
  to: string;
  /** ISO 3166 alpha-2 of `to`: routes serve a list of countries. */
  country: string;
  text: string;
  /** The verification id, so receipts can be matched and providers can deduplicate. */
  reference: string;
}

export interface SmsSendResult {
  route: string;
  providerMessageId: string | null;
}

export interface SmsRoute {
  readonly name: string;
  /** Resolves once the provider accepted the message; rejects when it did not. */
  send(sms: OutgoingSms): Promise<SmsSendResult>;
}

export const SCOPES = ['verify', 'audit:read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface AppRecord {
  id: string;
  name: string;
  /** Shown in the SMS; the app name when unset. */
  brand: string | null;
  /** WebOTP origin for the `@domain #code` line; the service default when unset. */
  webOtpDomain: string | null;
  /** Per-app settings as stored (the `apps.settings` jsonb); parsed by the service layer. */
  settings: Record<string, unknown>;
}

export interface Principal {
  keyId: string;
  scopes: Scope[];
  app: AppRecord;
}

export interface ApiKeyListing {
  id: string;
  appName: string;
  hint: string;
  scopes: Scope[];
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

/**
 * Apps and their API keys (Postgres). Keys are looked up by their SHA-256 only. Each change
 * commits in one transaction with the audit rows it is given: there is no change without its row,
 * and no row for a change that did not happen.
 */
export interface AccessStore {
  findActiveKey(keyHash: string): Promise<Principal | null>;
  ensureApp(name: string): Promise<AppRecord>;
  /** Changes an app's SMS brand, WebOTP domain or settings (limits, countries, pumping watch). */
  updateApp(
    appId: string,
    changes: Partial<Pick<AppRecord, 'brand' | 'webOtpDomain' | 'settings'>>,
    audit: readonly AuditEvent[],
  ): Promise<void>;
  /**
   * Inserts a key; a key whose hash already exists is left as it is (bootstrap is idempotent) and
   * `audit` is not written. Resolves true only when this call inserted the row.
   */
  insertKey(
    key: {
      id: string;
      appId: string;
      keyHash: string;
      hint: string;
      scopes: Scope[];
      label: string | null;
    },
    audit: readonly AuditEvent[],
  ): Promise<boolean>;
  listKeys(appName?: string): Promise<ApiKeyListing[]>;
  /**
   * Revokes an active key with the rows `audit` makes from its app id; resolves that app id, or
   * null (nothing written) when no active key has that id.
   */
  revokeKey(
    keyId: string,
    at: Date,
    audit: (appId: string) => readonly AuditEvent[],
  ): Promise<string | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

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

/** What the use cases count; the Prometheus registry lives in telemetry/. */
export interface ServiceMetrics {
  verificationStarted(purpose: Purpose): void;
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
  | 'totp_factor_discard';

/** Audit event types: one per decision (api.md, Audit). */
export const AUDIT_EVENT_TYPES = [
  'verification.created',
  'verification.refused',
  'verification.resent',
  'verification.canceled',
  'sms.sent',
  'sms.failed',
  'sms.delivered',
  'sms.undelivered',
  'sms.inbound',
  'check.approved',
  'check.wrong',
  'check.refused',
  'limit.hit',
  'pumping.trip',
  'key.created',
  'key.revoked',
  'app.updated',
  'totp.enrolled',
  'totp.confirmed',
  'totp.verified',
  'totp.failed',
  'totp.deleted',
  'totp.listed',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** One decision. Never a code, a code hash or a clear phone number. */
export interface AuditEvent {
  /**
   * The row's id, when the event already has one (a retried or spooled event keeps the one it was
   * first sent with, so that the trail writes it once); the writer gives one otherwise.
   */
  id?: string;
  appId: string;
  type: AuditEventType;
  verificationId: string | null;
  purpose: string | null;
  phoneMasked: string | null;
  phoneHmac: string | null;
  clientIp: string | null;
  userAgent: string | null;
  /** e.g. `ok`, `refused`, `failed`, `dry_run`. */
  outcome: string;
  /** A stable snake_case reason (the limit name, the refusal code...), or null. */
  reason: string | null;
  detail: Record<string, unknown>;
  createdAt: Date;
}

/** Appends to the tamper-evident audit trail; resolves only once the rows are committed. */
export interface AuditWriter {
  append(events: AuditEvent[]): Promise<void>;
}

/**
 * How use cases record decisions. `commit` resolves only once the rows are in Postgres (the caller
 * answers 503 and undoes its change when it rejects). `commitOrSpool` is for facts that cannot be
 * undone, like an SMS that already left: it resolves once the rows are committed or, if Postgres
 * refused them, spooled and retried until it takes them; it never rejects. Both are awaited, so a
 * row is written before the response goes out whenever Postgres is up (api.md, Audit).
 */
export interface AuditTrail {
  commit(events: AuditEvent[]): Promise<void>;
  commitOrSpool(events: AuditEvent[]): Promise<void>;
}

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

/**
 * Idempotency-Key records (24 h). `fingerprint` is an HMAC of the request, never the body itself
 * (a request body holds a clear phone number).
 */
export interface IdempotencyStore {
  /** Atomically claims the key for this fingerprint, or tells what happened to it before. */
  claim(appId: string, key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyClaim>;
  /** Stores the response for replays. */
  complete(
    appId: string,
    key: string,
    fingerprint: string,
    response: { status: number; body: unknown },
    ttlMs: number,
  ): Promise<void>;
  /** Forgets a claim whose request failed for a reason worth retrying (a 5xx). */
  release(appId: string, key: string): Promise<void>;
}

export type LimitOutcome = { allowed: true } | { allowed: false; retryAfterMs: number };

/** Counters with a window (rate-limiter-flexible on Redis, or in memory for the embedded default). */
export interface Limiter {
  /** Atomically spends one unit; refused when that would pass the rule's points. */
  consume(rule: RateRule, key: string): Promise<LimitOutcome>;
  /** Gives one unit back (a request that was refused later, or whose SMS never left). */
  refund(rule: RateRule, key: string): Promise<void>;
  /** Forgets the counter (a successful check clears the number's failures). */
  reset(rule: RateRule, key: string): Promise<void>;
}

/**
 * Sliding-window counters and pauses for the SMS pumping watch. Keys are opaque strings built by
 * the caller (HMACs of number prefixes, country codes), never clear numbers. Every key has a TTL.
 */
export interface TrafficCounters {
  /** Adds one to each key's current bucket and returns each key's total over the window. */
  increment(keys: string[], windowSeconds: number, now: number): Promise<number[]>;
  /** Each key's total over the window ending at `now`. */
  read(keys: string[], windowSeconds: number, now: number): Promise<number[]>;
  /** Marks a key paused for `seconds` (from the wall clock, like a TTL). */
  pause(key: string, seconds: number): Promise<void>;
  /** For each key, the milliseconds its pause has left, or null when it is not paused. */
  pausedFor(keys: string[]): Promise<(number | null)[]>;
  /**
   * One send's screen, atomically and in one round trip: each pause's time left; when one is
   * paused, the window totals of `sent` and `approved` as they stood (`paused`); then, unless a
   * pause stops it (`countWhenPaused` false), one added to each `sent` key and the totals after it
   * (`counted`, null when nothing was counted).
   */
  screen(request: TrafficScreenRequest): Promise<TrafficScreen>;
  /** Takes back one count from each key's bucket at `now` (a screened send that did not go), never below zero. */
  uncount(keys: string[], windowSeconds: number, now: number): Promise<void>;
}

export interface TrafficScreenRequest {
  pauses: string[];
  sent: string[];
  approved: string[];
  windowSeconds: number;
  now: number;
  countWhenPaused: boolean;
}

export interface TrafficTotals {
  sent: number[];
  approved: number[];
}

export interface TrafficScreen {
  pausedMs: (number | null)[];
  paused: TrafficTotals | null;
  counted: TrafficTotals | null;
}

/** Which verification a provider's message id belongs to, so a delivery receipt finds it. */
export interface DeliveryIndex {
  remember(
    route: string,
    providerMessageId: string,
    entry: { appId: string; verificationId: string; sentAt: number },
    ttlMs: number,
  ): Promise<void>;
  lookup(
    route: string,
    providerMessageId: string,
  ): Promise<{ appId: string; verificationId: string; sentAt: number } | null>;
}

/** Reads of the audit trail the service itself needs. */
export interface AuditQueries {
  /** Apps that sent an SMS to this number (by its HMAC): the ones an inbound reply concerns. */
  appsThatMessaged(phoneHmac: string): Promise<string[]>;
}
