export type { TotpDeps } from './deps.ts';
export { totpEndpoints } from './endpoints/all.ts';
export type { TotpInfra } from './wire.ts';
export { wire } from './wire.ts';
