import { type Actor, auditEvent } from '../audit/index.ts';
import { notFound } from '../kernel/errors.ts';
import { normalizePhone } from '../kernel/phone.ts';
import { countLost } from '../telemetry/lost-write.ts';
import type { VerificationDeps } from './deps.ts';
import type { Purpose, VerificationRecord } from './record.ts';

export async function getVerification(
  deps: Pick<VerificationDeps, 'codes'>,
  input: { appId: string; id: string },
): Promise<VerificationRecord> {
  const record = await deps.codes.get(input.appId, input.id);
  if (!record) throw notFound();
  return record;
}

/** Cancels a pending verification; one that already ended is returned as it stands. */
export async function cancelVerification(
  deps: Pick<VerificationDeps, 'codes' | 'clock' | 'audit' | 'observers' | 'metrics'>,
  input: { actor: Actor; id: string },
): Promise<VerificationRecord> {
  const now = deps.clock.now();
  const before = await deps.codes.get(input.actor.app.id, input.id);
  const record = await deps.codes.cancel(input.actor.app.id, input.id, now);
  if (!record) throw notFound();
  if (before?.status === 'pending' && record.status === 'canceled') {
    // The cancellation already happened in Redis; its row must not be lost if Postgres blinks.
    await deps.audit.commitOrSpool([
      auditEvent(
        input.actor,
        'verification.canceled',
        { verification: record, outcome: 'ok' },
        now,
      ),
    ]);
    await deps.observers
      .notify(record, 'canceled', now)
      .catch(countLost(deps.metrics, 'verification_observer'));
  }
  return record;
}

/**
 * The id of the pending verification of this app, purpose and number (any spelling the send path
 * takes), or null: for callers that name a verification by its number, as Twilio's API lets them.
 * The number is matched through its HMACs as a lookup sees them (its subject key's, then the older
 * app-key ones), as the code store keys it; a lookup never makes a subject key.
 */
export async function findPendingVerification(
  deps: Pick<VerificationDeps, 'codes' | 'subjects'>,
  input: { appId: string; purpose: Purpose; to: string },
): Promise<string | null> {
  const phone = normalizePhone(input.to);
  if (!phone.ok) return null;
  for (const hmac of await deps.subjects.lookupHmacs(input.appId, phone.e164)) {
    const id = await deps.codes.pendingFor(input.appId, input.purpose, hmac);
    if (id) return id;
  }
  return null;
}

/** Tells the observers that a newer verification superseded this one (start-verification.ts). */
export async function notifySuperseded(
  deps: Pick<VerificationDeps, 'codes' | 'observers' | 'metrics'>,
  appId: string,
  id: string,
  at: number,
): Promise<void> {
  const ended = await deps.codes.get(appId, id);
  if (ended?.status !== 'canceled') return;
  await deps.observers
    .notify(ended, 'canceled', at)
    .catch(countLost(deps.metrics, 'verification_observer'));
}
