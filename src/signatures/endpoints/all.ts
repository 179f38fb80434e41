import { confirmSignatureEndpoint } from './confirm.ts';
import { createSignatureEndpoint } from './create.ts';
import { signatureEvidenceEndpoint } from './evidence.ts';
import { getSignatureEndpoint } from './get.ts';

/** /v1/signatures, in the order the OpenAPI document lists them. */
export const signatureEndpoints = [
  createSignatureEndpoint,
  getSignatureEndpoint,
  confirmSignatureEndpoint,
  signatureEvidenceEndpoint,
];
