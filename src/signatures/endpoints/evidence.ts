import { createRoute, z } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { evidenceOf } from '../build-evidence.ts';
import type { SignaturesDeps } from '../deps.ts';
import type { EvidenceDocument } from '../evidence.ts';
import { renderEvidencePdf } from '../evidence-pdf.ts';
import { readSignature } from '../read-signature.ts';
import { SignatureIdParam } from './signature-schema.ts';

const EvidenceQuery = z.object({
  format: z
    .enum(['json', 'pdf'])
    .default('json')
    .openapi({ param: { name: 'format', in: 'query' } }),
});

export const signatureEvidenceOperation = createRoute({
  method: 'get',
  path: '/v1/signatures/{id}/evidence',
  tags: ['Signatures'],
  summary: "A signed signature's evidence file",
  description:
    "The proof file (README, Signatures): signer, document, consent, every event with its UTC time, SMS route, provider message id and receipt, attempts, client addresses, and each audit event with its inclusion proof against a signed checkpoint of the app's log (signed on demand). Frozen at signing: the same bytes every time, whose SHA-256 the confirmation answered (header `Evidence-SHA256`). `format=pdf`: the same facts as a report for people. Checked offline with `tessera evidence verify`.",
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: { params: SignatureIdParam, query: EvidenceQuery },
  responses: {
    200: {
      description: 'The evidence file, or its report.',
      content: {
        'application/json': { schema: z.record(z.string(), z.unknown()) },
        'application/pdf': { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

export const signatureEvidenceEndpoint = endpoint(
  signatureEvidenceOperation,
  (deps: SignaturesDeps) => async (c) => {
    const signature = await readSignature(deps, {
      appId: c.get('principal').app.id,
      id: c.req.valid('param').id,
    });
    const evidence = await evidenceOf(deps, signature);
    const headers = { 'evidence-sha256': evidence.sha256 };
    if (c.req.valid('query').format === 'pdf') {
      const pdf = await renderEvidencePdf(
        JSON.parse(evidence.body) as EvidenceDocument,
        evidence.sha256,
      );
      return c.body(new Uint8Array(pdf), 200, {
        ...headers,
        'content-type': 'application/pdf',
        'content-disposition': `inline; filename="${signature.id}-evidence.pdf"`,
      });
    }
    return c.body(evidence.body, 200, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${signature.id}-evidence.json"`,
    });
  },
);
