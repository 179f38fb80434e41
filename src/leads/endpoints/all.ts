import { createLeadEndpoint } from './create.ts';
import { exportLeadsEndpoint } from './export.ts';
import { getLeadEndpoint } from './get.ts';
import { listLeadsEndpoint } from './list.ts';
import { qualifyLeadEndpoint } from './qualify.ts';

/** /v1/leads, in the order the OpenAPI document lists them; the export before `{id}` matches it. */
export const leadEndpoints = [
  createLeadEndpoint,
  listLeadsEndpoint,
  exportLeadsEndpoint,
  getLeadEndpoint,
  qualifyLeadEndpoint,
];
