import { createRoute, z } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { findCheckpoint } from '../log-proofs.ts';
import { verifierKeyString } from '../signed-note.ts';
import type { AuditLog } from '../wire.ts';
import { CheckpointSchema, TreeSize, toCheckpointResponse } from './log-schema.ts';

export const getAuditCheckpointOperation = createRoute({
  method: 'get',
  path: '/v1/audit/checkpoint',
  tags: ['Audit'],
  summary: "A signed checkpoint of the app's audit log",
  description:
    "The newest signed checkpoint of the calling app's Merkle log (signed now if the log grew since), or the one of exactly `size` events. C2SP tlog-checkpoint in a C2SP signed-note, Ed25519 (README, Signed checkpoints).",
  security: [{ apiKey: [] }],
  middleware: [requireScope('audit:read')] as const,
  request: {
    query: z.object({
      size: TreeSize.optional().openapi({ param: { name: 'size', in: 'query' } }),
    }),
  },
  responses: {
    200: {
      description: 'The checkpoint.',
      content: { 'application/json': { schema: CheckpointSchema } },
    },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

export const getAuditCheckpointEndpoint = endpoint(
  getAuditCheckpointOperation,
  (log: AuditLog) => async (c) => {
    const checkpoint = await findCheckpoint(
      log,
      c.get('principal').app.id,
      c.req.valid('query').size,
    );
    return c.json(toCheckpointResponse(checkpoint), 200);
  },
);

const CheckpointKeySchema = z
  .object({
    name: z.string().openapi({ example: 'tessera.example.com' }),
    algorithm: z.literal('ed25519'),
    key_id: z.string().openapi({
      description: 'SHA-256(name || 0x0A || 0x01 || public key)[:4], hex.',
      example: '4404a816',
    }),
    public_key: z.string().openapi({ description: 'The raw 32-byte Ed25519 public key, base64.' }),
    verifier_key: z.string().openapi({
      description:
        "Go's golang.org/x/mod/sumdb/note verifier key: <name>+<key id>+<base64(0x01 || key)>.",
      example: 'tessera.example.com+4404a816+AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs',
    }),
  })
  .openapi('AuditCheckpointKey');

export const getAuditCheckpointKeyOperation = createRoute({
  method: 'get',
  path: '/v1/audit/checkpoint/key',
  tags: ['Audit'],
  summary: 'The key that signs audit checkpoints',
  description:
    "The deployment's Ed25519 checkpoint key (AUDIT_SIGNING_KEY, or derived from SECRET_KEY): give it to whoever verifies your checkpoints, out of band.",
  security: [{ apiKey: [] }],
  middleware: [requireScope('audit:read')] as const,
  responses: {
    200: {
      description: 'The public key.',
      content: { 'application/json': { schema: CheckpointKeySchema } },
    },
    ...errorResponses(401, 403),
  },
});

export const getAuditCheckpointKeyEndpoint = endpoint(
  getAuditCheckpointKeyOperation,
  (log: AuditLog) => async (c) =>
    c.json(
      {
        name: log.signer.name,
        algorithm: 'ed25519' as const,
        key_id: log.signer.keyId.toString('hex'),
        public_key: log.signer.publicKey.toString('base64'),
        verifier_key: verifierKeyString(log.signer),
      },
      200,
    ),
);
