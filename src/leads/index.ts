export type { LeadsDeps } from './deps.ts';
export { leadEndpoints } from './endpoints/all.ts';
export type { LeadRecord } from './lead.ts';
export type { LeadConsentView } from './lead-view.ts';
export { retentionRule, subjectData } from './retention.ts';
export type { LeadHooks, LeadsInfra } from './wire.ts';
export { wire } from './wire.ts';
