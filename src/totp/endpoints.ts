import { confirmTotpFactorEndpoint } from './routes/confirm.ts';
import { deleteTotpFactorEndpoint } from './routes/delete.ts';
import { enrolTotpFactorEndpoint } from './routes/enrol.ts';
import { listTotpFactorsEndpoint } from './routes/list.ts';
import { verifyTotpEndpoint } from './routes/verify.ts';

/** /v1/totp, in the order the OpenAPI document lists them. */
export const totpEndpoints = [
  enrolTotpFactorEndpoint,
  confirmTotpFactorEndpoint,
  verifyTotpEndpoint,
  listTotpFactorsEndpoint,
  deleteTotpFactorEndpoint,
];
