import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { ClientSchema } from '../../http/client-schema.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { safeText } from '../../http/safe-text.ts';
import type { TotpDeps } from '../deps.ts';
import { enrolTotpFactor } from '../factors.ts';
import { FactorSchema, toFactorResponse, UserRefSchema } from './totp-schema.ts';

const EnrolBody = z
  .object({
    user_ref: UserRefSchema,
    label: safeText()
      .min(1)
      .max(128)
      .optional()
      .openapi({ description: 'Shown in the authenticator app; `user_ref` when unset.' }),
    issuer: safeText()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "Shown in the authenticator app; the app's brand when unset." }),
    client: ClientSchema.optional(),
  })
  .strict()
  .openapi('EnrolTotpFactor');

const EnrolmentSchema = FactorSchema.extend({
  secret: z.string().openapi({ description: 'Base32; shown in this answer only.' }),
  otpauth_uri: z.string(),
  qr_svg: z.string().openapi({ description: 'The otpauth URI as a QR code (SVG).' }),
}).openapi('TotpEnrolment');

export const enrolTotpFactorOperation = createRoute({
  method: 'post',
  path: '/v1/totp/factors',
  tags: ['TOTP'],
  summary: 'Enrol a TOTP factor',
  description:
    'Creates an unverified factor with a fresh 160-bit secret (RFC 6238). The secret, the otpauth URI and the QR code are in this answer only; confirm the factor with a code to activate it.',
  security: [{ apiKey: [] }],
  middleware: [requireScope('verify')] as const,
  request: {
    body: { required: true, content: { 'application/json': { schema: EnrolBody } } },
  },
  responses: {
    201: {
      description: 'The unverified factor and its secret.',
      content: { 'application/json': { schema: EnrolmentSchema } },
    },
    ...errorResponses(400, 401, 403, 503),
  },
});

export const enrolTotpFactorEndpoint = endpoint(
  enrolTotpFactorOperation,
  (deps: TotpDeps) => async (c) => {
    const body = c.req.valid('json');
    const enrolment = await enrolTotpFactor(deps, {
      actor: { app: c.get('principal').app, client: endUserAddress(c, body.client) },
      userRef: body.user_ref,
      ...(body.label === undefined ? {} : { label: body.label }),
      ...(body.issuer === undefined ? {} : { issuer: body.issuer }),
    });
    // Never cached anywhere on the way: the secret is in this body.
    c.header('cache-control', 'no-store');
    return c.json(
      {
        ...toFactorResponse(enrolment.factor),
        secret: enrolment.secret,
        otpauth_uri: enrolment.otpauthUri,
        qr_svg: enrolment.qrSvg,
      },
      201,
    );
  },
);
