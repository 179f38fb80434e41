import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from './app-env.ts';
import { jsonTextDepth } from './json-depth.ts';
import { problemResponse } from './problem.ts';

/**
 * The largest request body: every body this API takes is a few hundred bytes (metadata is capped
 * at 2 KiB, an inbound SMS at 1,600 characters), so 64 KiB leaves room without letting a client
 * make the server buffer megabytes.
 */
export const MAX_BODY_BYTES = 64 * 1024;

/** The deepest JSON nesting read; the deepest body this API defines nests 3 levels. */
export const MAX_JSON_DEPTH = 32;

/** Form bodies (Twilio's callbacks) are not JSON, and a text with brackets is not nesting. */
const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

/**
 * Limits every request body before anything reads it: its size (413 `payload_too_large`, also for
 * a chunked body, counted as it arrives) and its JSON nesting (400 `invalid_request`), checked on
 * the raw text so that no recursive code ever sees a body nested thousands deep. Any body but a
 * form is scanned, as the receipt callback parses its text as JSON whatever the content type. The
 * text read here is cached by hono, so the validator parses the same bytes.
 */
export function requestLimits(): MiddlewareHandler<AppEnv> {
  const limitSize = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () =>
      problemResponse(
        413,
        'payload_too_large',
        `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
      ),
  });
  return async (c, next) => {
    let refusal: Response | undefined;
    const refused = await limitSize(c, async () => {
      if (c.req.raw.body && !FORM_TYPES.test(c.req.header('content-type') ?? '')) {
        if (jsonTextDepth(await c.req.text(), MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
          refusal = problemResponse(
            400,
            'invalid_request',
            `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects.`,
          );
          return;
        }
      }
      await next();
    });
    return refusal ?? refused ?? undefined;
  };
}
