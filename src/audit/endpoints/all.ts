import { exportAuditEventsEndpoint } from './export-events.ts';
import { getAuditEventEndpoint } from './get-event.ts';
import { listAuditEventsEndpoint } from './list-events.ts';
import { getVerificationTimelineEndpoint } from './verification-timeline.ts';

/**
 * /v1/audit, in the order the OpenAPI document lists them. The export comes before
 * /v1/audit/events/{id}, which would otherwise take `export` for an id.
 */
export const auditEndpoints = [
  listAuditEventsEndpoint,
  exportAuditEventsEndpoint,
  getAuditEventEndpoint,
  getVerificationTimelineEndpoint,
];
