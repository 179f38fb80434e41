import { type AuditActor, type AuditTrail, auditEvent } from '../audit/index.ts';
import type { Clock } from '../kernel/clock.ts';
import type { PhoneProtector } from '../kernel/crypto/phone-protector.ts';
import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import { subjectLookup } from './subject-hmacs.ts';
import type { SubjectKeyStore } from './subject-key-store.ts';

/** A module that keeps rows about a number: it forgets them when the person is erased. */
export interface SubjectDataHolder {
  /**
   * Deletes everything of this app held under one of these HMACs; resolves to how many of each
   * kind, as the erasure's answer and audit row count them (`{ leads: 2 }`).
   */
  forget(appId: string, hmacs: readonly string[]): Promise<Record<string, number>>;
}

/** Holders register here (infra.ts), so subjects/ knows none of them. */
export interface SubjectDataHolders {
  add(holder: SubjectDataHolder): void;
  all(): readonly SubjectDataHolder[];
}

export function createSubjectDataHolders(): SubjectDataHolders {
  const holders: SubjectDataHolder[] = [];
  return { add: (holder) => void holders.push(holder), all: () => holders };
}

export interface EraseDeps {
  clock: Clock;
  audit: AuditTrail;
  keys: SubjectKeyStore;
  hmacs: SubjectHmacs;
  phones: Pick<PhoneProtector, 'hmac'>;
  holders: SubjectDataHolders;
}

export interface ErasureReport {
  /** Rows (or Redis keys) each holder deleted, by its name. */
  removed: Record<string, number>;
  /** Whether the number had a subject key, now deleted. */
  subjectKey: boolean;
}

/**
 * Erases a person from one app (README, Subjects and erasure): every holder forgets the rows under
 * any HMAC the number may carry, then the subject key goes, last, so that a run cut short can
 * simply be run again. Audit rows are never touched (the chain and its proofs still verify); the
 * erasure's own row names no number, only what was removed.
 */
export async function eraseSubject(
  deps: EraseDeps,
  input: { actor: AuditActor; e164: string },
): Promise<ErasureReport> {
  const appId = input.actor.app.id;
  const hmacs = await deps.hmacs.lookupHmacs(appId, input.e164);
  let removed: Record<string, number> = {};
  for (const holder of deps.holders.all()) {
    removed = { ...removed, ...(await holder.forget(appId, hmacs)) };
  }
  const subjectKey = await deps.keys.remove(appId, subjectLookup(deps, appId, input.e164));
  await deps.audit.commitOrSpool([
    auditEvent(
      input.actor,
      'subject.erased',
      { outcome: 'ok', detail: { removed, subject_key: subjectKey } },
      deps.clock.now(),
    ),
  ]);
  return { removed, subjectKey };
}
