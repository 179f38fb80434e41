import { RefusedError } from '../kernel/errors.ts';
import type { SignaturesDeps } from './deps.ts';
import type { SignatureRecord } from './signature.ts';

export const signatureNotFound = () =>
  new RefusedError('signature_not_found', 'No signature with this id exists for this app.');

/** The app's own signature, or 404 (another app's is as unknown as a missing one). */
export async function readSignature(
  deps: Pick<SignaturesDeps, 'store'>,
  input: { appId: string; id: string },
): Promise<SignatureRecord> {
  const signature = await deps.store.get(input.appId, input.id);
  if (!signature) throw signatureNotFound();
  return signature;
}
