export type { OnSigned, SignaturesDeps } from './deps.ts';
export { signatureEndpoints } from './endpoints/all.ts';
export type { EvidenceDocument } from './evidence.ts';
export { EVIDENCE_FORMAT } from './evidence.ts';
export type { SignatureRecord } from './signature.ts';
export type { EvidenceVerdict } from './verify-evidence.ts';
export { evidenceSummary, verifyEvidence } from './verify-evidence.ts';
export type { SignatureHooks, SignaturesInfra } from './wire.ts';
export { wire } from './wire.ts';
