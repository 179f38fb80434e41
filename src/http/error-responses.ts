import { ProblemSchema } from './problem.ts';
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from './request-limits.ts';

const DESCRIPTIONS = {
  400: `The body is not JSON, nests deeper than ${MAX_JSON_DEPTH} levels or breaks the schema (\`invalid_request\`).`,
  401: 'Missing or unknown API key (`unauthorized`).',
  403: 'The key lacks the scope this endpoint needs (`forbidden`).',
  404: 'No such resource for this app.',
  409: 'The resource is in a state that does not allow this.',
  413: `The body is larger than ${MAX_BODY_BYTES / 1024} KiB (\`payload_too_large\`).`,
  422: 'Well-formed values that are wrong (e.g. `invalid_phone_number`).',
  423: 'Too many consecutive failed attempts: the TOTP factor (`factor_locked`: a stronger recovery is needed) or the phone number (`phone_locked`: until support unlocks it) is locked.',
  429: 'A limit was hit; `Retry-After` says when to try again and `limit` names it.',
  503: 'A store or the SMS route is unavailable (`service_unavailable`, `delivery_unavailable`); nothing was changed.',
} as const;

type ErrorStatus = keyof typeof DESCRIPTIONS;
type ProblemResponse = {
  description: string;
  content: { 'application/problem+json': { schema: typeof ProblemSchema } };
};

/** The shared error responses a route declares, so every refusal is documented the same way. */
export function errorResponses<S extends ErrorStatus>(
  ...statuses: S[]
): Record<S, ProblemResponse> {
  const responses = {} as Record<S, ProblemResponse>;
  for (const status of statuses) {
    responses[status] = {
      description: DESCRIPTIONS[status],
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return responses;
}
