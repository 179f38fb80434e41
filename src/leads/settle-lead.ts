import { systemActor } from '../audit/index.ts';
import type { VerificationObserver, VerificationRecord } from '../verification/index.ts';
import type { LeadsDeps } from './deps.ts';
import type { LeadRecord, UnverifiedReason } from './lead.ts';
import { leadEvent } from './lead-audit.ts';
import type { LeadSignals } from './store.ts';

/** What else must happen, in the same step, when a lead's code is approved (its consent). */
export type OnLeadVerified = (lead: LeadRecord, at: number) => Promise<void>;

function signalsOf(record: VerificationRecord, at: number): LeadSignals {
  return {
    sends: record.sendCount,
    attempts: record.attempts,
    verificationExpiresAt: new Date(record.expiresAt),
    lastContactAt: new Date(at),
  };
}

/**
 * Keeps each lead in step with its verification (subscribed in wire.ts): the right code makes it
 * verified, and what `onVerified` records happens in the check's own step (a failure reverts the
 * approval, README, Leads); the last wrong attempt, or a cancellation, makes it unverified; every change refreshes its
 * signals. Expiry needs no event: leads/lead.ts derives it from the stored expiry.
 */
export function leadObserver(deps: LeadsDeps, onVerified: OnLeadVerified): VerificationObserver {
  return async (record, change, at) => {
    if (record.purpose !== 'lead') return;
    const lead = await deps.store.byVerification(record.appId, record.id);
    if (!lead) return;
    const actor = systemActor(lead.appId);
    const signals = signalsOf(record, at);
    if (change === 'approved') {
      const verified = await deps.store.markVerified(lead.id, new Date(at), signals);
      if (!verified) return;
      try {
        await onVerified(verified, at);
      } catch (error) {
        await deps.store.revertVerified(lead.id);
        throw error;
      }
      await deps.audit.commitOrSpool([
        leadEvent(actor, 'lead.verified', verified, { detail: { attempts: record.attempts } }, at),
      ]);
      return;
    }
    const ended: UnverifiedReason | null =
      change === 'canceled'
        ? 'canceled'
        : change === 'wrong' && record.attempts >= record.maxAttempts
          ? 'max_attempts_reached'
          : null;
    if (ended) {
      const closed = await deps.store.markUnverified(lead.id, new Date(at), ended, signals);
      if (closed) {
        await deps.audit.commitOrSpool([
          leadEvent(actor, 'lead.unverified', closed, { reason: ended }, at),
        ]);
      }
      return;
    }
    await deps.store.updateSignals(lead.id, signals);
  };
}
