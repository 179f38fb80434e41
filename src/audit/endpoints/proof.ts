import { createRoute, z } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { proveInclusion } from '../log-proofs.ts';
import type { AuditLog } from '../wire.ts';
import { Base64Hash, CheckpointSchema, TreeSize, toCheckpointResponse } from './log-schema.ts';

const InclusionProofSchema = z
  .object({
    event: z.record(z.string(), z.unknown()).openapi({
      description: 'The event as an export line (README, Offline verification): its leaf data.',
    }),
    leaf_index: z.number().int(),
    tree_size: z.number().int(),
    leaf_hash: Base64Hash,
    inclusion_path: z.array(Base64Hash).openapi({
      description: 'RFC 9162 §2.1.3.1 PATH(leaf_index, D[tree_size]), nearest sibling first.',
    }),
    root_hash: Base64Hash,
    checkpoint: CheckpointSchema.nullable().openapi({
      description: 'The signed checkpoint of tree_size, when one was signed at that size.',
    }),
  })
  .openapi('AuditInclusionProof');

export const getAuditEventProofOperation = createRoute({
  method: 'get',
  path: '/v1/audit/events/{id}/proof',
  tags: ['Audit'],
  summary: "Prove an event is in the app's audit log",
  description:
    "RFC 9162 inclusion proof of one of the calling app's events in its Merkle log of `size` events (default: the newest signed checkpoint, included). Check it offline with `tessera audit verify-proof`.",
  security: [{ apiKey: [] }],
  middleware: [requireScope('audit:read')] as const,
  request: {
    params: z.object({
      id: z
        .string()
        .max(64)
        .openapi({ param: { name: 'id', in: 'path' }, example: 'evt_…' }),
    }),
    query: z.object({
      size: TreeSize.optional().openapi({ param: { name: 'size', in: 'query' } }),
    }),
  },
  responses: {
    200: {
      description: 'The proof.',
      content: { 'application/json': { schema: InclusionProofSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

export const getAuditEventProofEndpoint = endpoint(
  getAuditEventProofOperation,
  (log: AuditLog) => async (c) => {
    const proof = await proveInclusion(
      log,
      c.get('principal').app.id,
      c.req.valid('param').id,
      c.req.valid('query').size,
    );
    return c.json(
      {
        event: proof.event,
        leaf_index: proof.leafIndex,
        tree_size: proof.treeSize,
        leaf_hash: proof.leafHash.toString('base64'),
        inclusion_path: proof.path.map((hash) => hash.toString('base64')),
        root_hash: proof.root.toString('base64'),
        checkpoint: proof.checkpoint && toCheckpointResponse(proof.checkpoint),
      },
      200,
    );
  },
);
