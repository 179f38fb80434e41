import { cancelVerificationEndpoint } from './cancel.ts';
import { checkVerificationEndpoint } from './check.ts';
import { getVerificationEndpoint } from './get.ts';
import { resendVerificationEndpoint } from './resend.ts';
import { startVerificationEndpoint } from './start.ts';

/** /v1/verify, in the order the OpenAPI document lists them. */
export const verificationEndpoints = [
  startVerificationEndpoint,
  checkVerificationEndpoint,
  resendVerificationEndpoint,
  getVerificationEndpoint,
  cancelVerificationEndpoint,
];
