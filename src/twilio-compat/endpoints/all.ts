import { checkVerificationEndpoint } from './check-verification.ts';
import { createVerificationEndpoint } from './create-verification.ts';
import { fetchVerificationEndpoint } from './fetch-verification.ts';
import { updateVerificationEndpoint } from './update-verification.ts';

/** /v2/Services/{ServiceSid}/…, in the order the OpenAPI document lists them. */
export const twilioVerifyEndpoints = [
  createVerificationEndpoint,
  checkVerificationEndpoint,
  fetchVerificationEndpoint,
  updateVerificationEndpoint,
];
