import type { VerificationRecord } from './record.ts';

/**
 * What happened to a verification: `approved` (the right code), `wrong` (an attempt spent; the
 * record says whether any are left), `resent` (a new code, a new expiry), `canceled` (by DELETE,
 * or superseded by a newer one for the same app, number and purpose).
 */
export type VerificationChange = 'approved' | 'wrong' | 'resent' | 'canceled';

/** A module that keeps its own state about verifications (a lead and its signals). */
export type VerificationObserver = (
  record: VerificationRecord,
  change: VerificationChange,
  at: number,
) => Promise<void>;

/**
 * Observers of verification changes, registered by the modules that build on verifications (their
 * wire subscribes), so verification itself knows none of them. `approved` is awaited inside the
 * check's step: an observer that fails makes the check fail and the approval be reverted, so an
 * approval never exists without what its observers record about it. The other changes are
 * reported after the fact by the caller, whose answer does not depend on them.
 */
export interface VerificationObservers {
  add(observer: VerificationObserver): void;
  notify(record: VerificationRecord, change: VerificationChange, at: number): Promise<void>;
}

export function createVerificationObservers(): VerificationObservers {
  const observers: VerificationObserver[] = [];
  return {
    add: (observer) => void observers.push(observer),
    async notify(record, change, at) {
      for (const observer of observers) await observer(record, change, at);
    },
  };
}
