import { auditStatsEndpoint } from './stats.ts';
import { verifyAuditChainEndpoint } from './verify.ts';

/** /v1/audit stats and chain state, in the order the OpenAPI document lists them. */
export const auditReportEndpoints = [auditStatsEndpoint, verifyAuditChainEndpoint];
