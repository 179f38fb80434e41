import type { AuditLog, AuditTrail } from '../audit/index.ts';
import type { Clock } from '../kernel/clock.ts';
import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import type { VerificationEndpointDeps } from '../verification/index.ts';
import type { SignatureRecord } from './signature.ts';
import type { SignatureStore } from './store.ts';

/**
 * Told once a signature is signed and its row committed (after the check's step: a failure here
 * never unsigns it), with its evidence file's SHA-256 when it could be built. The `signature.signed`
 * webhook is published from here (infra.ts).
 */
export type OnSigned = (signature: SignatureRecord, evidenceSha256: string | null) => Promise<void>;

/** What the signature use cases are given; built once by wire(). */
export interface SignaturesDeps {
  clock: Clock;
  store: SignatureStore;
  /** The signer's number is kept as its HMAC under the person's subject key (erasable). */
  subjects: SubjectHmacs;
  audit: AuditTrail;
  /** Each app's Merkle log: the evidence's proofs and its signed checkpoint. */
  log: AuditLog;
  /** The verification module a signature's code is sent and checked through. */
  verification: VerificationEndpointDeps;
  onSigned: OnSigned;
}
