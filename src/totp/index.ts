export type { TotpDeps } from './deps.ts';
export { totpEndpoints } from './endpoints.ts';
export type { TotpInfra } from './wire.ts';
export { wire } from './wire.ts';
