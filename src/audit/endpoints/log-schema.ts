import { z } from '@hono/zod-openapi';
import type { StoredCheckpoint } from '../checkpoints.ts';

export const Base64Hash = z.string().openapi({
  description: 'A SHA-256 hash, base64 (RFC 4648 §4).',
  example: 'UNhY4JhezH9gQYqvDMWrWH9CwlcKiECVqejMrND2VFw=',
});

/** A tree size in a query: a positive decimal integer. */
export const TreeSize = z.coerce
  .number()
  .int()
  .min(1)
  .max(Number.MAX_SAFE_INTEGER)
  .openapi({ type: 'integer', minimum: 1 });

export const CheckpointSchema = z
  .object({
    origin: z.string().openapi({ example: 'tessera.example.com/app_0123456789abcdef' }),
    tree_size: z.number().int(),
    root_hash: Base64Hash,
    note: z.string().openapi({
      description:
        'The C2SP signed note (tlog-checkpoint text, a blank line, the Ed25519 signature line), byte for byte: verify this, not the fields beside it.',
    }),
    created_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('AuditCheckpoint');

export function toCheckpointResponse(checkpoint: StoredCheckpoint) {
  return {
    origin: checkpoint.note.slice(0, checkpoint.note.indexOf('\n')),
    tree_size: checkpoint.size,
    root_hash: checkpoint.root.toString('base64'),
    note: checkpoint.note,
    created_at: checkpoint.createdAt.toISOString(),
  };
}
