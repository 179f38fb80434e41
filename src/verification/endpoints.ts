import { cancelVerificationEndpoint } from './routes/cancel.ts';
import { checkVerificationEndpoint } from './routes/check.ts';
import { getVerificationEndpoint } from './routes/get.ts';
import { resendVerificationEndpoint } from './routes/resend.ts';
import { startVerificationEndpoint } from './routes/start.ts';

/** /v1/verify, in the order the OpenAPI document lists them. */
export const verificationEndpoints = [
  startVerificationEndpoint,
  checkVerificationEndpoint,
  resendVerificationEndpoint,
  getVerificationEndpoint,
  cancelVerificationEndpoint,
];
