import { createRoute, z } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { problemResponse } from '../../http/problem.ts';
import { constantTimeEqual } from '../../kernel/crypto/hmac.ts';
import { parseKannelReceipt } from '../providers/kannel/kannel.ts';
import { isTwilioSignatureValid, parseTwilioStatusCallback } from '../providers/twilio/twilio.ts';
import type { SmsRouteConfig } from '../sms-route-config.ts';
import { calledReceiptUrl, RECEIPTS_PATH } from './receipt-url.ts';
import { recordInbound } from './record-inbound.ts';
import { type ReceiptStatus, recordReceipt } from './record-receipt.ts';

export type ReceiptDeps = Parameters<typeof recordReceipt>[0] & {
  inbound: Parameters<typeof recordInbound>[0];
  /**
   * Routes that accept HTTP receipts, with the secret their callback URL carries, and for Twilio
   * routes the auth token that signs Twilio's callbacks.
   */
  routes: ReadonlyMap<
    string,
    { provider: SmsRouteConfig['provider']; secret: string; twilioAuthToken?: string }
  >;
  /** PUBLIC_URL: the origin providers call, which Twilio's signature covers. */
  publicUrl: string | undefined;
};

const GenericReceipt = z
  .object({
    message_id: z.string().min(1).max(200),
    status: z.enum(['queued', 'sent', 'delivered', 'undelivered', 'failed']),
    error_code: z.string().max(50).nullable().optional(),
  })
  .openapi('DeliveryReceipt');

/** A reply from the phone (e.g. "STOP"), posted by a provider to the same callback. */
const InboundMessage = z
  .object({ from: z.string().min(3).max(32), text: z.string().max(1600) })
  .strict()
  .openapi('InboundMessage');

const RouteParam = z.object({
  route: z
    .string()
    .max(32)
    .openapi({ param: { name: 'route', in: 'path' } }),
});

/** The route's receiptSecret, which the provider's callback URL carries. */
const SecretQuery = z.object({
  secret: z
    .string()
    .max(256)
    .openapi({ param: { name: 'secret', in: 'query' } }),
});

export const receiptOperation = createRoute({
  method: 'post',
  path: RECEIPTS_PATH,
  tags: ['SMS routes'],
  summary: 'Delivery receipt callback of an SMS route',
  description:
    "Called by the provider, authenticated by the route's `receiptSecret` in `?secret=`. Twilio routes take Twilio's StatusCallback form, signed with the route's auth token (`X-Twilio-Signature` over `PUBLIC_URL` + path + query and the form; 401 otherwise); `http` and `console` routes take the JSON below. Updates the verification's `delivery.status` and appends an `sms.delivered` / `sms.undelivered` audit row. SMPP routes receive receipts on their session instead; Kannel routes call the GET form.",
  request: {
    params: RouteParam,
    query: SecretQuery,
    body: {
      required: false,
      content: {
        'application/json': { schema: z.union([GenericReceipt, InboundMessage]) },
        'application/x-www-form-urlencoded': { schema: z.record(z.string(), z.string()) },
      },
    },
  },
  responses: {
    204: { description: 'Recorded (or ignored: a message Tessera does not know).' },
    ...errorResponses(400, 401, 404, 503),
  },
});

export const kannelReceiptOperation = createRoute({
  method: 'get',
  path: RECEIPTS_PATH,
  tags: ['SMS routes'],
  summary: 'Delivery report callback of a Kannel route',
  description:
    "Kannel's dlr-url, called with GET and authenticated by the route's `receiptSecret` in `?secret=`. `ref` is the verification id Tessera put in the URL, `status` Kannel's report type (`%d`): 1 delivered, 2 undeliverable, 16 rejected by the SMSC; 4 (buffered) and 8 (accepted by the SMSC) change nothing. The same URL takes replies from phones (MO) as an sms-service `get-url` with `from=%p&text=%a` (a STOP withdraws marketing consent). Kannel routes only.",
  request: {
    params: RouteParam,
    query: SecretQuery.extend({
      ref: z
        .string()
        .max(200)
        .optional()
        .openapi({ param: { name: 'ref', in: 'query' } }),
      status: z
        .string()
        .max(8)
        .optional()
        .openapi({ param: { name: 'status', in: 'query' } }),
      from: z
        .string()
        .min(3)
        .max(32)
        .optional()
        .openapi({ param: { name: 'from', in: 'query' }, description: 'MO: the sender (`%p`).' }),
      text: z
        .string()
        .max(1600)
        .optional()
        .openapi({ param: { name: 'text', in: 'query' }, description: 'MO: the text (`%a`).' }),
    }),
  },
  responses: {
    204: { description: 'Recorded (or ignored: a message Tessera does not know).' },
    ...errorResponses(400, 401, 404, 503),
  },
});

export const receiptEndpoints = [
  endpoint(kannelReceiptOperation, (deps: ReceiptDeps) => async (c) => {
    const { route } = c.req.valid('param');
    const config = deps.routes.get(route);
    // Only Kannel reports with GET; any other route under this name takes POST receipts.
    if (config?.provider !== 'kannel')
      return problemResponse(404, 'not_found', 'No Kannel route takes receipts under this name.');
    const query = c.req.valid('query');
    if (!constantTimeEqual(query.secret, config.secret)) {
      return problemResponse(401, 'unauthorized', 'Wrong receipt secret for this route.');
    }
    // A message from a phone (an sms-service's get-url), not a report on one Tessera sent.
    if (query.from !== undefined && query.text !== undefined) {
      await recordInbound(deps.inbound, { route, from: query.from, text: query.text });
      return c.body(null, 204);
    }
    const receipt = parseKannelReceipt(query);
    if (!receipt)
      return problemResponse(
        400,
        'invalid_request',
        'This is not a Kannel delivery report (ref and status 1, 2, 4, 8 or 16).',
      );
    await recordReceipt(deps, { route, ...receipt });
    return c.body(null, 204);
  }),
  endpoint(receiptOperation, (deps: ReceiptDeps) => async (c) => {
    const { route } = c.req.valid('param');
    const config = deps.routes.get(route);
    if (!config)
      return problemResponse(404, 'not_found', 'No route takes receipts under this name.');
    if (!constantTimeEqual(c.req.valid('query').secret, config.secret)) {
      return problemResponse(401, 'unauthorized', 'Wrong receipt secret for this route.');
    }
    const body = await c.req.text();
    if (config.twilioAuthToken) {
      const url = calledReceiptUrl(c.req.url, deps.publicUrl);
      const signature = c.req.header('x-twilio-signature') ?? '';
      const form = new URLSearchParams(body);
      if (!isTwilioSignatureValid(config.twilioAuthToken, url, form, signature)) {
        return problemResponse(401, 'unauthorized', 'Missing or wrong X-Twilio-Signature.');
      }
    }
    const inbound = readInbound(config.provider, body);
    if (inbound) {
      await recordInbound(deps.inbound, { route, ...inbound });
      return c.body(null, 204);
    }
    const receipt = readReceipt(config.provider, body);
    if (!receipt)
      return problemResponse(
        400,
        'invalid_request',
        'This is not a delivery receipt this route understands.',
      );
    await recordReceipt(deps, { route, ...receipt });
    return c.body(null, 204);
  }),
];

/**
 * A mobile-originated message posted to the same callback: Twilio's incoming-message form (From
 * and Body, no MessageStatus) or `{ "from", "text" }`.
 */
function readInbound(
  provider: SmsRouteConfig['provider'],
  body: string,
): { from: string; text: string } | null {
  try {
    if (provider === 'twilio') {
      const form = new URLSearchParams(body);
      const from = form.get('From');
      const text = form.get('Body');
      return from && text !== null && !form.has('MessageStatus') ? { from, text } : null;
    }
    const parsed = InboundMessage.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Read from the request's text: the validator has already consumed the raw body stream. */
function readReceipt(
  provider: SmsRouteConfig['provider'],
  body: string,
): { providerMessageId: string; status: ReceiptStatus; errorCode: string | null } | null {
  try {
    if (provider === 'twilio') return parseTwilioStatusCallback(new URLSearchParams(body));
    const parsed = GenericReceipt.safeParse(JSON.parse(body));
    if (!parsed.success) return null;
    return {
      providerMessageId: parsed.data.message_id,
      status: parsed.data.status,
      errorCode: parsed.data.error_code ?? null,
    };
  } catch {
    return null;
  }
}
