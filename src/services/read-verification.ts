import type { VerificationRecord } from '../domain/verification.ts';
import { notFound } from './errors.ts';
import type { VerificationDeps } from './verification-deps.ts';

export async function getVerification(
  deps: Pick<VerificationDeps, 'codes'>,
  input: { appId: string; id: string },
): Promise<VerificationRecord> {
  const record = await deps.codes.get(input.appId, input.id);
  if (!record) throw notFound();
  return record;
}

/** Cancels a pending verification; one that already ended is returned as it stands. */
export async function cancelVerification(
  deps: Pick<VerificationDeps, 'codes' | 'clock'>,
  input: { appId: string; id: string },
): Promise<VerificationRecord> {
  const record = await deps.codes.cancel(input.appId, input.id, deps.clock.now());
  if (!record) throw notFound();
  return record;
}
