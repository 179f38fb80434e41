export { worstCaseCodeMessage } from './code-message.ts';
export type { CodeStore } from './code-store/code-store.ts';
export type { VerificationDeps } from './deps.ts';
export { verificationEndpoints } from './endpoints.ts';
export type { VerificationIdentity } from './record.ts';
export type { VerificationRoutesDeps } from './routes/routes-deps.ts';
export { ClientSchema } from './routes/verification-schema.ts';
export type { VerificationInfra } from './wire.ts';
export { openCodeStore, wire } from './wire.ts';
