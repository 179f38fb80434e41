import type { Endpoint } from '../../http/endpoint.ts';
import type { AuditEndpointDeps } from './endpoint-deps.ts';
import { exportAuditEventsEndpoint } from './export-events.ts';
import { getAuditEventEndpoint } from './get-event.ts';
import { listAuditEventsEndpoint } from './list-events.ts';
import { auditStatsEndpoint } from './stats.ts';
import { getVerificationTimelineEndpoint } from './verification-timeline.ts';
import { verifyAuditChainEndpoint } from './verify.ts';

/**
 * /v1/audit, in the order the OpenAPI document lists them. The export comes before
 * /v1/audit/events/{id}, which would otherwise take `export` for an id.
 */
export const auditEndpoints: readonly Endpoint<AuditEndpointDeps>[] = [
  listAuditEventsEndpoint,
  exportAuditEventsEndpoint,
  getAuditEventEndpoint,
  getVerificationTimelineEndpoint,
  auditStatsEndpoint,
  verifyAuditChainEndpoint,
];
