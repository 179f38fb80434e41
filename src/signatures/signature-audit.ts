import type { AuditActor, AuditEvent, AuditEventType } from '../audit/index.ts';
import { auditEvent } from '../audit/index.ts';
import type { SignatureRecord } from './signature.ts';

type SignatureEventType = Extract<AuditEventType, `signature.${string}`>;

/**
 * A signature's audit row: its masked number and HMAC, purpose `signature`, its verification (so
 * that the evidence finds it with the SMS and check rows), the signature and document ids.
 */
export function signatureEvent(
  actor: AuditActor,
  type: SignatureEventType,
  signature: SignatureRecord,
  fields: { outcome?: string; reason?: string | null; detail?: Record<string, unknown> },
  now: number,
): AuditEvent {
  const event = auditEvent(
    actor,
    type,
    {
      phone: { masked: signature.phoneMasked, hmac: signature.phoneHmac },
      purpose: 'signature',
      outcome: fields.outcome ?? 'ok',
      reason: fields.reason ?? null,
      detail: {
        signature_id: signature.id,
        document_id: signature.documentId,
        document_sha256: signature.documentSha256,
        ...fields.detail,
      },
    },
    now,
  );
  return { ...event, verificationId: signature.verificationId };
}

/**
 * What the request's row states about the signer, the document and the consent: the facts the
 * evidence file's header repeats, which the offline check compares with this logged row.
 */
export function requestedFacts(signature: SignatureRecord): Record<string, unknown> {
  return {
    signer_ref: signature.signerRef,
    signer_name: signature.signerName,
    document_title: signature.documentTitle,
    consent_sha256: signature.consentSha256,
    locale: signature.locale,
  };
}
