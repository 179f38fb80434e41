import { createRoute, z } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { proveConsistency } from '../log-proofs.ts';
import type { AuditLog } from '../wire.ts';
import { Base64Hash, CheckpointSchema, TreeSize, toCheckpointResponse } from './log-schema.ts';

const ConsistencyProofSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    from_root: Base64Hash,
    to_root: Base64Hash,
    consistency_path: z.array(Base64Hash).openapi({
      description: 'RFC 9162 §2.1.4.1 PROOF(from, D[to]).',
    }),
    checkpoints: z.object({
      from: CheckpointSchema.nullable(),
      to: CheckpointSchema.nullable(),
    }),
  })
  .openapi('AuditConsistencyProof');

export const getAuditConsistencyOperation = createRoute({
  method: 'get',
  path: '/v1/audit/consistency',
  tags: ['Audit'],
  summary: "Prove the app's audit log only grew",
  description:
    "RFC 9162 consistency proof that the calling app's log of `from` events is a prefix of its log of `to` events (default: the newest signed checkpoint). Keep an older checkpoint, ask for this, and a removed or rewritten past shows.",
  security: [{ apiKey: [] }],
  middleware: [requireScope('audit:read')] as const,
  request: {
    query: z.object({
      from: TreeSize.openapi({ param: { name: 'from', in: 'query' } }),
      to: TreeSize.optional().openapi({ param: { name: 'to', in: 'query' } }),
    }),
  },
  responses: {
    200: {
      description: 'The proof.',
      content: { 'application/json': { schema: ConsistencyProofSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

export const getAuditConsistencyEndpoint = endpoint(
  getAuditConsistencyOperation,
  (log: AuditLog) => async (c) => {
    const { from, to } = c.req.valid('query');
    const proof = await proveConsistency(log, c.get('principal').app.id, from, to);
    return c.json(
      {
        from: proof.from,
        to: proof.to,
        from_root: proof.fromRoot.toString('base64'),
        to_root: proof.toRoot.toString('base64'),
        consistency_path: proof.path.map((hash) => hash.toString('base64')),
        checkpoints: {
          from: proof.checkpoints.from && toCheckpointResponse(proof.checkpoints.from),
          to: proof.checkpoints.to && toCheckpointResponse(proof.checkpoints.to),
        },
      },
      200,
    );
  },
);
