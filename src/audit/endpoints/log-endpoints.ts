import { getAuditCheckpointEndpoint, getAuditCheckpointKeyEndpoint } from './checkpoint.ts';
import { getAuditConsistencyEndpoint } from './consistency.ts';
import { getAuditEventProofEndpoint } from './proof.ts';

/** The Merkle log's endpoints under /v1/audit, in the order the OpenAPI document lists them. */
export const auditLogEndpoints = [
  getAuditCheckpointEndpoint,
  getAuditCheckpointKeyEndpoint,
  getAuditEventProofEndpoint,
  getAuditConsistencyEndpoint,
];
