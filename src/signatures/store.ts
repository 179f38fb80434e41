import type { AuditRecord } from '../audit/index.ts';
import type { SignatureRecord } from './signature.ts';

/** A frozen evidence file: its exact text and that text's SHA-256. */
export interface StoredEvidence {
  body: string;
  sha256: string;
}

/**
 * Signatures and their evidence (Postgres). A state change applies only to a signature still
 * pending; a signed row is frozen by the database itself (migration signatures).
 */
export interface SignatureStore {
  insert(signature: SignatureRecord): Promise<void>;
  get(appId: string, id: string): Promise<SignatureRecord | null>;
  byVerification(appId: string, verificationId: string): Promise<SignatureRecord | null>;
  /** Pending signatures of this app for the signer and document, or for this number. */
  pendingFor(
    appId: string,
    match: { signerRef: string; documentSha256: string; phoneHmac: string },
  ): Promise<SignatureRecord[]>;
  /** A pending signature becomes signed; null when it was not pending (it signs once). */
  markSigned(id: string, at: Date): Promise<SignatureRecord | null>;
  /** A pending signature ends unsigned; null when it was not pending. */
  markEnded(
    id: string,
    status: 'canceled' | 'failed',
    at: Date,
    reason: string,
  ): Promise<SignatureRecord | null>;
  /** The audit rows of the signature's verification, oldest first: what its evidence lists. */
  events(appId: string, verificationId: string): Promise<AuditRecord[]>;
  evidence(signatureId: string): Promise<StoredEvidence | null>;
  /** Keeps the first evidence file built for a signature; answers the one kept. */
  keepEvidence(
    signature: SignatureRecord,
    evidence: StoredEvidence,
    at: Date,
  ): Promise<StoredEvidence>;
}
