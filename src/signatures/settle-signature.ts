import { systemActor } from '../audit/index.ts';
import { RefusedError } from '../kernel/errors.ts';
import type { VerificationObserver } from '../verification/index.ts';
import type { SignaturesDeps } from './deps.ts';
import { signatureEvent } from './signature-audit.ts';

/**
 * Keeps each signature in step with its verification (subscribed in wire.ts). The right code (with
 * the right document: the code is bound to it) signs, inside the check's own step: a signature
 * that can no longer be signed (cancelled meanwhile) fails the check, which reverts the approval.
 * Once the row is signed the database refuses to undo it, so its audit row is committed or
 * spooled, never lost. The last wrong attempt fails the signature.
 */
export function signatureObserver(deps: SignaturesDeps): VerificationObserver {
  return async (record, change, at) => {
    if (record.purpose !== 'signature') return;
    const signature = await deps.store.byVerification(record.appId, record.id);
    if (!signature) return;
    const actor = systemActor(signature.appId);
    if (change === 'approved') {
      const signed = await deps.store.markSigned(signature.id, new Date(at));
      if (!signed) {
        throw new RefusedError('verification_closed', 'This signature is no longer pending.');
      }
      await deps.audit.commitOrSpool([
        signatureEvent(
          actor,
          'signature.signed',
          signed,
          {
            detail: {
              signed_at: new Date(at).toISOString(),
              signer_ref: signed.signerRef,
              consent_sha256: signed.consentSha256,
              attempts: record.attempts,
            },
          },
          at,
        ),
      ]);
      return;
    }
    if (change === 'wrong' && record.attempts >= record.maxAttempts) {
      const failed = await deps.store.markEnded(
        signature.id,
        'failed',
        new Date(at),
        'max_attempts_reached',
      );
      if (failed) {
        await deps.audit.commitOrSpool([
          signatureEvent(actor, 'signature.failed', failed, { reason: 'max_attempts_reached' }, at),
        ]);
      }
    }
  };
}
