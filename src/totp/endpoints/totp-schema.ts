import { z } from '@hono/zod-openapi';
import { safeText } from '../../http/safe-text.ts';
import type { TotpFactorRecord } from '../store.ts';

export const FactorIdParam = z.object({
  id: safeText()
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'tot_2x4ZTk0OMv1hVqLbXh0Q3w' }),
});

/** The app's own reference for its end user (an opaque id; Tessera never interprets it). */
export const UserRefSchema = safeText().min(1).max(255).openapi({ example: 'user_42' });

export const FactorSchema = z
  .object({
    id: z.string(),
    user_ref: z.string(),
    status: z.enum(['unverified', 'verified', 'deleted']),
    label: z.string(),
    issuer: z.string(),
    algorithm: z.enum(['SHA1', 'SHA256']),
    digits: z.number().int(),
    period: z.number().int(),
    created_at: z.string(),
    confirmed_at: z.string().nullable(),
  })
  .openapi('TotpFactor');

export function toFactorResponse(
  factor: TotpFactorRecord,
  status: 'unverified' | 'verified' | 'deleted' = factor.status,
) {
  return {
    id: factor.id,
    user_ref: factor.userRef,
    status,
    label: factor.label,
    issuer: factor.issuer,
    algorithm: factor.algorithm === 'sha256' ? ('SHA256' as const) : ('SHA1' as const),
    digits: factor.digits,
    period: factor.period,
    created_at: factor.createdAt.toISOString(),
    confirmed_at: factor.confirmedAt?.toISOString() ?? null,
  };
}
