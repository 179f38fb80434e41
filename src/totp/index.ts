export type { TotpDeps } from './deps.ts';
export { createPostgresTotpStore } from './postgres-totp-store.ts';
export { registerConfirmTotpFactor } from './routes/confirm.ts';
export { registerDeleteTotpFactor } from './routes/delete.ts';
export { registerEnrolTotpFactor } from './routes/enrol.ts';
export { registerListTotpFactors } from './routes/list.ts';
export { registerVerifyTotp } from './routes/verify.ts';
