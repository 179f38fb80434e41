import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { RefusedError } from '../../kernel/errors.ts';
import { maskPhone, normalizePhone } from '../../kernel/phone.ts';
import type { SubjectsDeps } from '../deps.ts';
import { eraseSubject } from '../erase-subject.ts';

const EraseBody = z
  .object({
    phone: z.string().min(1).max(32).openapi({ example: '+33612345678' }),
    country: z
      .string()
      .regex(/^[A-Za-z]{2}$/)
      .optional(),
  })
  .strict()
  .openapi('EraseSubject');

const ErasureSchema = z
  .object({
    phone: z.string().openapi({ example: '+33 6•• •• •• 78' }),
    erased: z.literal(true),
    removed: z.record(z.string(), z.number().int().min(0)).openapi({
      example: { leads: 2, consent_records: 3, consent_oppositions: 1, phone_locks: 0 },
    }),
    subject_key: z.boolean(),
  })
  .openapi('Erasure');

export const eraseSubjectOperation = createRoute({
  method: 'post',
  path: '/v1/subjects/erase',
  tags: ['Subjects'],
  summary: "Erase a person's data (GDPR art. 17)",
  description:
    "Deletes the number's leads, qualifications, consent records, opposition entry and failed-check lock in the app, then its subject key: every HMAC rows about it carry (audit rows included) then points at nobody, while the audit chain and Merkle proofs still verify. Idempotent: erasing again removes nothing more. Recorded as `subject.erased`, without the number.",
  security: [{ apiKey: [] }],
  middleware: [requireScope('admin')] as const,
  request: {
    body: { required: true, content: { 'application/json': { schema: EraseBody } } },
  },
  responses: {
    200: {
      description: 'What was removed.',
      content: { 'application/json': { schema: ErasureSchema } },
    },
    ...errorResponses(400, 401, 403, 422, 503),
  },
});

export const eraseSubjectEndpoint = endpoint(
  eraseSubjectOperation,
  (deps: SubjectsDeps) => async (c) => {
    const body = c.req.valid('json');
    const phone = normalizePhone(body.phone, body.country);
    if (!phone.ok) throw new RefusedError('invalid_phone_number', 'The number is not valid.');
    const actor = { app: c.get('principal').app, client: endUserAddress(c, undefined) };
    const report = await eraseSubject(deps, { actor, e164: phone.e164 });
    return c.json(
      {
        phone: maskPhone(phone.e164),
        erased: true as const,
        removed: report.removed,
        subject_key: report.subjectKey,
      },
      200,
    );
  },
);
