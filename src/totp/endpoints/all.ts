import { confirmTotpFactorEndpoint } from './confirm.ts';
import { deleteTotpFactorEndpoint } from './delete.ts';
import { enrolTotpFactorEndpoint } from './enrol.ts';
import { listTotpFactorsEndpoint } from './list.ts';
import { verifyTotpEndpoint } from './verify.ts';

/** /v1/totp, in the order the OpenAPI document lists them. */
export const totpEndpoints = [
  enrolTotpFactorEndpoint,
  confirmTotpFactorEndpoint,
  verifyTotpEndpoint,
  listTotpFactorsEndpoint,
  deleteTotpFactorEndpoint,
];
