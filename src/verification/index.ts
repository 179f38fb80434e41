export { worstCaseCodeMessage } from './code-message.ts';
export type { CodeStore } from './code-store/code-store.ts';
export { verificationEndpoints } from './endpoints/all.ts';
export type { VerificationEndpointDeps } from './endpoints/endpoint-deps.ts';
export type { VerificationIdentity } from './record.ts';
export type { VerificationInfra } from './wire.ts';
export { openCodeStore, wire } from './wire.ts';
