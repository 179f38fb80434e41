import type { Actor } from '../audit/index.ts';
import { constantTimeEqual } from '../kernel/crypto/hmac.ts';
import { RefusedError } from '../kernel/errors.ts';
import { countLost } from '../telemetry/lost-write.ts';
import { checkVerification } from '../verification/index.ts';
import { evidenceOf } from './build-evidence.ts';
import type { SignaturesDeps } from './deps.ts';
import { readSignature } from './read-signature.ts';
import {
  bindingOf,
  type SignatureRecord,
  type SignatureStatus,
  visibleSignatureStatus,
} from './signature.ts';
import { signatureEvent } from './signature-audit.ts';

export interface ConfirmResult {
  signature: SignatureRecord;
  status: SignatureStatus;
  valid: boolean;
  attemptsRemaining: number;
  /** The frozen evidence file's SHA-256; null while it cannot be built yet (GET builds it). */
  evidenceSha256: string | null;
}

/**
 * Confirms a signature with its code and the hash of the document the signer was shown. The code
 * is checked through the ordinary verification check (attempt counted before comparing, constant
 * time, single use) with the binding of this signature, signer and the presented hash: with
 * another document the code can never match, so the attempt is spent and the answer is 409
 * `document_mismatch` (audited), whatever the code. A wrong code answers like a check.
 */
export async function confirmSignature(
  deps: SignaturesDeps,
  input: { actor: Actor; id: string; code: string; documentSha256: string },
): Promise<ConfirmResult> {
  const { actor } = input;
  const signature = await readSignature(deps, { appId: actor.app.id, id: input.id });
  if (signature.status !== 'pending') return await settled(deps, signature);
  const presented = input.documentSha256.toLowerCase();
  let check: Awaited<ReturnType<typeof checkVerification>>;
  try {
    check = await checkVerification(deps.verification, {
      actor,
      id: signature.verificationId,
      code: input.code,
      binding: bindingOf(signature.id, signature.signerRef, presented),
    });
  } catch (error) {
    // Purged an hour after it ended: the signature it carried expired with it.
    if (error instanceof RefusedError && error.code === 'verification_not_found') {
      return await settled(deps, await readSignature(deps, { appId: actor.app.id, id: input.id }));
    }
    throw error;
  }
  const now = deps.clock.now();
  if (!constantTimeEqual(presented, signature.documentSha256)) {
    await deps.audit.commit([
      signatureEvent(
        actor,
        'signature.document_mismatch',
        signature,
        {
          outcome: 'refused',
          reason: 'document_mismatch',
          detail: { presented_sha256: presented, attempts_remaining: check.attemptsRemaining },
        },
        now,
      ),
    ]);
    throw new RefusedError(
      'document_mismatch',
      'The code was issued for another document; it cannot sign this one (an attempt was spent).',
    );
  }
  const current = await readSignature(deps, { appId: actor.app.id, id: input.id });
  if (!check.valid) {
    return {
      signature: current,
      status: visibleSignatureStatus(current, now),
      valid: false,
      attemptsRemaining: check.attemptsRemaining,
      evidenceSha256: null,
    };
  }
  const evidence = await evidenceOf(deps, current).catch((error: unknown) => {
    if (error instanceof RefusedError && error.code === 'evidence_not_ready') return null;
    throw error;
  });
  // After the fact, like the other verification observers: signing stands whatever a hook does.
  await deps
    .onSigned(current, evidence?.sha256 ?? null)
    .catch(countLost(deps.verification.metrics, 'signature_hook'));
  return {
    signature: current,
    status: 'signed',
    valid: true,
    attemptsRemaining: check.attemptsRemaining,
    evidenceSha256: evidence?.sha256 ?? null,
  };
}

/** A signature no longer pending answers like a check of a closed verification: not valid. */
async function settled(deps: SignaturesDeps, signature: SignatureRecord): Promise<ConfirmResult> {
  const evidence = signature.status === 'signed' ? await deps.store.evidence(signature.id) : null;
  return {
    signature,
    status: visibleSignatureStatus(signature, deps.clock.now()),
    valid: false,
    attemptsRemaining: 0,
    evidenceSha256: evidence?.sha256 ?? null,
  };
}
