import { getConsentEndpoint } from './get.ts';
import { withdrawConsentEndpoint } from './withdraw.ts';

/** /v1/consents, in the order the OpenAPI document lists them. */
export const consentEndpoints = [getConsentEndpoint, withdrawConsentEndpoint];
