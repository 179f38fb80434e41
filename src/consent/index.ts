export type { ConsentDeps } from './deps.ts';
export { consentEndpoints } from './endpoints/all.ts';
export { retentionRule, subjectData } from './retention.ts';
export type { ConsentInfra, ConsentModule } from './wire.ts';
export { wire } from './wire.ts';
