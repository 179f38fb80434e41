import type { Actor } from '../audit/index.ts';
import { RefusedError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import { maskPhone, normalizePhone } from '../kernel/phone.ts';
import { countLost } from '../telemetry/lost-write.ts';
import { type Locale, startVerification, type VerificationRecord } from '../verification/index.ts';
import type { SignaturesDeps } from './deps.ts';
import { bindingOf, type SignatureRecord, sha256Hex } from './signature.ts';
import { requestedFacts, signatureEvent } from './signature-audit.ts';

export interface RequestSignatureInput {
  actor: Actor;
  signer: { ref: string; name: string; phone: string; country?: string | undefined };
  document: { id: string; title: string; sha256: string };
  consentText: string;
  locale: Locale;
}

/**
 * Starts a signature: a `signature` verification whose SMS names the document and whose code is
 * bound to (signature, signer, document hash). The pending signatures of the same signer and
 * document, or of the same number (the verification layer keeps one live code per number and
 * purpose), are cancelled and each cancellation audited: only the newest code can sign.
 */
export async function requestSignature(
  deps: SignaturesDeps,
  input: RequestSignatureInput,
): Promise<{ signature: SignatureRecord; verification: VerificationRecord }> {
  const { actor, signer, document } = input;
  const appId = actor.app.id;
  const phone = normalizePhone(signer.phone, signer.country);
  if (!phone.ok) throw new RefusedError('invalid_phone_number', 'The number is not valid.');
  const id = newId('sig');
  const documentSha256 = document.sha256.toLowerCase();
  const phoneHmac = await deps.subjects.hmac(appId, phone.e164);
  const earlier = await deps.store.pendingFor(appId, {
    signerRef: signer.ref,
    documentSha256,
    phoneHmac,
  });
  const verification = await startVerification(deps.verification, {
    actor,
    to: phone.e164,
    purpose: 'signature',
    locale: input.locale,
    metadata: { signature_id: id, document_id: document.id },
    binding: bindingOf(id, signer.ref, documentSha256),
    subject: document.title,
  });
  const now = deps.clock.now();
  const signature: SignatureRecord = {
    id,
    appId,
    status: 'pending',
    signerRef: signer.ref,
    signerName: signer.name,
    phoneHmac,
    phoneMasked: maskPhone(phone.e164),
    country: phone.country,
    documentId: document.id,
    documentTitle: document.title,
    documentSha256,
    consentText: input.consentText,
    consentSha256: sha256Hex(input.consentText),
    locale: input.locale,
    verificationId: verification.id,
    verificationExpiresAt: new Date(verification.expiresAt),
    clientIp: actor.client.ip,
    userAgent: actor.client.userAgent,
    createdAt: new Date(now),
    signedAt: null,
    endedAt: null,
    endedReason: null,
  };
  await deps.store.insert(signature);
  const canceled = [];
  for (const old of earlier) {
    // A code of another number is not superseded by the verification layer: stopped here.
    await deps.verification.codes
      .cancel(appId, old.verificationId, now)
      .catch(countLost(deps.verification.metrics, 'verification_cancel'));
    const ended = await deps.store.markEnded(old.id, 'canceled', new Date(now), 'superseded');
    if (ended) {
      canceled.push(
        signatureEvent(
          actor,
          'signature.canceled',
          ended,
          { outcome: 'ok', reason: 'superseded', detail: { superseded_by: id } },
          now,
        ),
      );
    }
  }
  // The code has left: the request is a fact, recorded even if Postgres hiccups now.
  await deps.audit.commitOrSpool([
    signatureEvent(
      actor,
      'signature.requested',
      signature,
      { detail: requestedFacts(signature) },
      now,
    ),
    ...canceled,
  ]);
  return { signature, verification };
}
