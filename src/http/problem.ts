import { z } from '@hono/zod-openapi';

/** RFC 9457 problem details, with Tessera's stable `code` (api.md, Conventions). */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'https://tessera.dev/problems/invalid_request' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ example: 'invalid_request' }),
    limit: z.string().optional().openapi({ description: 'On 429: the limit that was hit.' }),
    field: z
      .string()
      .optional()
      .openapi({ description: 'On invalid_filter: the query parameter at fault.' }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'On invalid_request: the fields that broke the schema.' }),
  })
  .openapi('Problem');

export type Problem = z.infer<typeof ProblemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The problem+json body; also written raw on a socket when Node refuses a request itself. */
export function problemDetails(
  status: number,
  code: string,
  detail: string,
  extra: { limit?: string; field?: string; errors?: Problem['errors'] } = {},
): Problem {
  return {
    type: `https://tessera.dev/problems/${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(extra.limit ? { limit: extra.limit } : {}),
    ...(extra.field ? { field: extra.field } : {}),
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
}

export function problemResponse(
  status: number,
  code: string,
  detail: string,
  extra: {
    limit?: string;
    retryAfterSeconds?: number;
    field?: string;
    errors?: Problem['errors'];
  } = {},
): Response {
  const body = problemDetails(status, code, detail, extra);
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (extra.retryAfterSeconds !== undefined)
    headers['retry-after'] = String(extra.retryAfterSeconds);
  return new Response(JSON.stringify(body), { status, headers });
}
