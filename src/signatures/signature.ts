import { createHash } from 'node:crypto';
import { canonicalJson } from '../kernel/canonical-json.ts';

/** The shape of a signature and the rules that derive its visible state. No I/O here. */

export const STORED_SIGNATURE_STATUSES = ['pending', 'signed', 'canceled', 'failed'] as const;
export type StoredSignatureStatus = (typeof STORED_SIGNATURE_STATUSES)[number];
export const SIGNATURE_STATUSES = [...STORED_SIGNATURE_STATUSES, 'expired'] as const;
export type SignatureStatus = (typeof SIGNATURE_STATUSES)[number];

export interface SignatureRecord {
  id: string;
  appId: string;
  status: StoredSignatureStatus;
  signerRef: string;
  signerName: string;
  phoneHmac: string;
  phoneMasked: string;
  country: string;
  documentId: string;
  documentTitle: string;
  /** Lower-case hex. */
  documentSha256: string;
  consentText: string;
  consentSha256: string;
  locale: string;
  verificationId: string;
  verificationExpiresAt: Date;
  clientIp: string | null;
  userAgent: string | null;
  createdAt: Date;
  signedAt: Date | null;
  endedAt: Date | null;
  /** Why a signature ended unsigned: superseded, max_attempts_reached. */
  endedReason: string | null;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * What a signature's code is bound to: its id, its signer and the document's hash. The
 * verification mixes it into the code's hash, so a confirmation that presents another document
 * (or the plain verification check, which presents none) can never match.
 */
export function bindingOf(signatureId: string, signerRef: string, documentSha256: string): string {
  return sha256Hex(
    canonicalJson({
      signature_id: signatureId,
      signer_ref: signerRef,
      document_sha256: documentSha256.toLowerCase(),
    }),
  );
}

/** A pending signature whose code expired is expired from that moment, without a write. */
export function visibleSignatureStatus(
  signature: Pick<SignatureRecord, 'status' | 'verificationExpiresAt'>,
  now: number,
): SignatureStatus {
  if (signature.status === 'pending' && now >= signature.verificationExpiresAt.getTime()) {
    return 'expired';
  }
  return signature.status;
}
