import { getAuditEventEndpoint } from './get-event.ts';
import { listAuditEventsEndpoint } from './list-events.ts';
import { getVerificationTimelineEndpoint } from './verification-timeline.ts';

/** /v1/audit, in the order the OpenAPI document lists them. */
export const auditEndpoints = [
  listAuditEventsEndpoint,
  getAuditEventEndpoint,
  getVerificationTimelineEndpoint,
];
