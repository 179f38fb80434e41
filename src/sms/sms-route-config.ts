import { z } from 'zod';
import { HttpJsonProviderConfigSchema } from './providers/http-json/http-json.ts';

/**
 * SMS routes in priority order (SMS_ROUTES: `console`, or a JSON array of routes). Validated at
 * start: a route the service cannot use is a configuration error, not a surprise at the first send.
 */
const common = {
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lowercase letters, digits, - and _ (max 32)'),
  senderId: z
    .string()
    .regex(/^([A-Za-z0-9 ]{1,11}|\+?[0-9]{3,15})$/, 'an alphanumeric sender (max 11) or a number')
    .default('Tessera'),
  /** ISO 3166 alpha-2 codes this route serves; `*` for all. */
  countries: z.union([z.literal('*'), z.array(z.string().regex(/^[A-Z]{2}$/)).min(1)]).default('*'),
  timeoutMs: z.number().int().min(100).max(60_000).default(5000),
  concurrency: z.number().int().min(1).max(10_000).default(50),
  breaker: z
    .object({
      failureThreshold: z.number().int().min(1).default(5),
      openMs: z.number().int().min(100).default(30_000),
    })
    .strict()
    .prefault({}),
  /** Secret expected in delivery receipt callbacks for this route. */
  receiptSecret: z.string().min(16).optional(),
  /**
   * The id of the app whose short code or sender id this route is: a reply (STOP) received on it
   * concerns that app only, not every app that messaged the number.
   */
  inboundApp: z.string().min(1).max(64).optional(),
};

export const RouteConfigSchema = z.discriminatedUnion('provider', [
  z.object({ ...common, provider: z.literal('console') }).strict(),
  z
    .object({
      ...common,
      provider: z.literal('twilio'),
      accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'a Twilio account SID (AC…)'),
      authToken: z.string().min(16),
      baseUrl: z.url().optional(),
    })
    .strict(),
  z
    .object({ ...common, provider: z.literal('http'), ...HttpJsonProviderConfigSchema.shape })
    .strict(),
  z
    .object({
      ...common,
      provider: z.literal('kannel'),
      /** smsbox's base URL (its sendsms-port). */
      url: z.url({ protocol: /^https?$/ }),
      /** A sendsms-user of smsbox. */
      username: z.string().min(1),
      password: z.string().min(1),
      /** The SMSC link to pin (`smsc=`); a forced-smsc on the sendsms user wins over it. */
      smsc: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      ...common,
      provider: z.literal('smpp'),
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      systemId: z.string().min(1).max(15),
      password: z.string().max(8),
      systemType: z.string().max(12).optional(),
    })
    .strict(),
]);

export type SmsRouteConfig = z.infer<typeof RouteConfigSchema>;

const RoutesSchema = z
  .array(RouteConfigSchema)
  .min(1)
  .refine(
    (routes) => new Set(routes.map((r) => r.name)).size === routes.length,
    'route names must be unique',
  );

/** Parses SMS_ROUTES; throws an Error naming every problem and where it is inside the JSON. */
export function parseSmsRoutes(value: string): SmsRouteConfig[] {
  if (value.trim() === 'console')
    return [RouteConfigSchema.parse({ name: 'console', provider: 'console' })];
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    // Where, not what: Node's message quotes the text around the mistake, which may be a token.
    const at = /position (\d+)/.exec((error as Error).message)?.[1];
    const where = at === undefined ? 'is not valid JSON' : `is not valid JSON (at character ${at})`;
    throw new Error(`${where}: it must be \`console\` or a JSON array of routes`);
  }
  const parsed = RoutesSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues.map((i) => `at ${jsonPath(i.path)}: ${i.message}`).join('; '),
    );
  }
  return parsed.data;
}

/** A place inside SMS_ROUTES as an operator would write it: `[0].breaker.openMs`. */
function jsonPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the top level';
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .replace(/^\./, '');
}
