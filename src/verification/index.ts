export type { CheckResult } from './check-verification.ts';
export { checkVerification } from './check-verification.ts';
export { worstCaseCodeMessage } from './code-message.ts';
export type { CodeStore } from './code-store/code-store.ts';
export { verificationEndpoints } from './endpoints/all.ts';
export type { VerificationEndpointDeps } from './endpoints/endpoint-deps.ts';
export {
  IdempotencyHeader,
  toVerificationResponse,
  VerificationSchema,
} from './endpoints/verification-schema.ts';
export type {
  VerificationChange,
  VerificationObserver,
  VerificationObservers,
} from './observers.ts';
export {
  cancelVerification,
  findPendingVerification,
  getVerification,
} from './read-verification.ts';
export type {
  Locale,
  Purpose,
  VerificationIdentity,
  VerificationRecord,
  VerificationStatus,
} from './record.ts';
export { LOCALES, visibleStatus } from './record.ts';
export { resendVerification } from './resend-verification.ts';
export type { StartVerificationInput } from './start-verification.ts';
export { startVerification } from './start-verification.ts';
export type { VerificationInfra } from './wire.ts';
export { openCodeStore, wire } from './wire.ts';
