import { z } from '@hono/zod-openapi';
import { safeText } from '../../http/safe-text.ts';
import { SIGNATURE_STATUSES, type SignatureRecord, visibleSignatureStatus } from '../signature.ts';

export const SignatureIdParam = z.object({
  id: safeText()
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'sig_2x4ZTk0OMv1hVqLbXh0Q3w' }),
});

export const Sha256Hex = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be a SHA-256 in hex (64 digits)')
  .openapi({ example: 'a3f1c9e4b2d87f60e5c1a9b3d4f2e6c8a7b5d3f1e9c7a5b3d1f9e7c5a3b1d9f7' });

export const SignatureSchema = z
  .object({
    id: z.string().openapi({ example: 'sig_2x4ZTk0OMv1hVqLbXh0Q3w' }),
    status: z.enum(SIGNATURE_STATUSES),
    signer: z.object({
      ref: z.string(),
      name: z.string(),
      phone: z.string().openapi({ description: 'The masked number.', example: '+33 6•• •• •• 78' }),
    }),
    document: z.object({ id: z.string(), title: z.string(), sha256: z.string() }),
    consent_sha256: z.string(),
    verification_id: z.string(),
    created_at: z.string().openapi({ format: 'date-time' }),
    expires_at: z.string().openapi({ format: 'date-time' }),
    signed_at: z.string().nullable().openapi({ format: 'date-time' }),
    ended_at: z.string().nullable().openapi({ format: 'date-time' }),
    ended_reason: z.string().nullable().openapi({ example: 'superseded' }),
  })
  .openapi('Signature');

/** The signature as the API shows it: the number masked, never hashed or sealed. */
export function signatureView(signature: SignatureRecord, now: number) {
  return {
    id: signature.id,
    status: visibleSignatureStatus(signature, now),
    signer: { ref: signature.signerRef, name: signature.signerName, phone: signature.phoneMasked },
    document: {
      id: signature.documentId,
      title: signature.documentTitle,
      sha256: signature.documentSha256,
    },
    consent_sha256: signature.consentSha256,
    verification_id: signature.verificationId,
    created_at: signature.createdAt.toISOString(),
    expires_at: signature.verificationExpiresAt.toISOString(),
    signed_at: signature.signedAt?.toISOString() ?? null,
    ended_at: signature.endedAt?.toISOString() ?? null,
    ended_reason: signature.endedReason,
  };
}
