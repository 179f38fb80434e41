import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import type { Logger } from '../../../telemetry/logger.ts';
import {
  type ProviderAccepted,
  ProviderError,
  type ProviderMessage,
  type SmsProvider,
} from '../../provider.ts';

/**
 * A generic JSON-over-HTTP provider for SMS aggregators (smsmode-style APIs): one request per
 * message, built from a JSON template whose string values may hold {{to}}, {{text}}, {{sender}}
 * and {{reference}}.
 */

const PLACEHOLDER = /\{\{(\w+)\}\}/g;
const KNOWN_PLACEHOLDERS = new Set(['to', 'text', 'sender', 'reference']);
/** Answers are error descriptions or an id; anything larger is not an answer we want to buffer. */
const MAX_ANSWER_BYTES = 64 * 1024;
// RFC 9110 token characters: what fetch accepts as a header name.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function unknownPlaceholders(template: unknown, found: Set<string> = new Set()): Set<string> {
  if (typeof template === 'string') {
    for (const match of template.matchAll(PLACEHOLDER)) {
      const name = match[1]!;
      if (!KNOWN_PLACEHOLDERS.has(name)) found.add(name);
    }
  } else if (Array.isArray(template)) {
    for (const item of template) unknownPlaceholders(item, found);
  } else if (template !== null && typeof template === 'object') {
    for (const value of Object.values(template)) unknownPlaceholders(value, found);
  }
  return found;
}

export const HttpJsonProviderConfigSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    method: z.enum(['POST', 'PUT']).default('POST'),
    headers: z
      .record(
        z.string().regex(HEADER_NAME, 'must be a valid header name'),
        // CR/LF would let a value smuggle another header.
        z.string().regex(/^[^\r\n\0]*$/, 'must not contain line breaks'),
      )
      .default({}),
    body: z.json().superRefine((template, ctx) => {
      const unknown = [...unknownPlaceholders(template)];
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder(s) ${unknown.map((n) => `{{${n}}}`).join(', ')}; known: {{to}}, {{text}}, {{sender}}, {{reference}}`,
        });
      }
    }),
    messageIdPath: z
      .string()
      .regex(/^[^.]+(\.[^.]+)*$/, 'must be a dot path such as data.id')
      .optional(),
  })
  .strict();

export type HttpJsonProviderConfig = z.input<typeof HttpJsonProviderConfigSchema>;

export interface HttpJsonProviderOptions {
  url: string;
  method?: 'POST' | 'PUT';
  headers?: Record<string, string>;
  /**
   * A JSON value (already parsed: the config layer parses JSON text) whose string values may
   * contain {{to}}, {{text}}, {{sender}}, {{reference}}.
   */
  body: unknown;
  /** Dot path to the provider's message id in the JSON answer, e.g. `data.id` or `messages.0.id`. */
  messageIdPath?: string;
  logger?: Logger;
}

export function createHttpJsonProvider(options: HttpJsonProviderOptions): SmsProvider {
  const { logger, ...rest } = options;
  // Validated here too, so a provider built outside the route config cannot skip the checks.
  const config = HttpJsonProviderConfigSchema.parse(rest);
  const headers = new Headers(config.headers);
  if (!headers.has('content-type')) headers.set('content-type', 'application/json; charset=utf-8');
  if (!headers.has('accept')) headers.set('accept', 'application/json');
  const idPath = config.messageIdPath?.split('.') ?? null;

  return {
    kind: 'http',
    async send(message: ProviderMessage, signal: AbortSignal): Promise<ProviderAccepted> {
      const values: Record<string, string> = {
        to: message.to,
        text: message.text,
        sender: message.senderId,
        reference: message.reference,
      };
      // Substituted into parsed string values and serialised afterwards, so JSON.stringify does
      // all the escaping and a text cannot break out of its string.
      const body = JSON.stringify(fillTemplate(config.body, values));
      const answer = await exchangeWithProvider({
        kind: 'http',
        label: 'HTTP SMS API',
        url: config.url,
        init: { method: config.method, headers, body },
        signal,
        logger,
      });

      if (answer.status >= 200 && answer.status < 300) {
        if (idPath === null) return { providerMessageId: null };
        const id = readPath(parseJson(answer.body), idPath);
        if ((typeof id === 'string' && id !== '') || typeof id === 'number') {
          return { providerMessageId: String(id) };
        }
        throw new ProviderError(
          'bad_response',
          `HTTP SMS API answered ${answer.status} without a message id at ${config.messageIdPath}`,
        );
      }
      throw httpStatusError('HTTP SMS API', answer, describeGenericError(answer.body), message);
    },
  };
}

function fillTemplate(template: unknown, values: Record<string, string>): unknown {
  if (typeof template === 'string') {
    // One pass: a text that itself contains "{{to}}" is not substituted again.
    return template.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
  }
  if (Array.isArray(template)) return template.map((item) => fillTemplate(item, values));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(
      Object.entries(template).map(([key, value]) => [key, fillTemplate(value, values)]),
    );
  }
  return template;
}

function readPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** An aggregator's own error wording, when its answer has one in a usual place. */
function describeGenericError(body: string): string | null {
  const json = parseJson(body);
  if (json === null || typeof json !== 'object') return null;
  const record = json as Record<string, unknown>;
  const code = ['code', 'error_code', 'errorCode'].map((k) => record[k]).find(isShortValue);
  const text = ['message', 'error_message', 'errorMessage', 'description', 'detail', 'error']
    .map((k) => record[k])
    .find((v): v is string => typeof v === 'string' && v !== '');
  const parts = [code === undefined ? null : `code ${code}`, text ?? null].filter(Boolean);
  return parts.length > 0 ? parts.join(': ') : null;
}

function isShortValue(value: unknown): value is string | number {
  return typeof value === 'number' || (typeof value === 'string' && /^[\w.-]{1,40}$/.test(value));
}

// ---- Shared with the Twilio adapter (not part of the provider API). ----

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export interface ProviderAnswer {
  status: number;
  body: string;
}

/**
 * One HTTP exchange with a provider: sends, reads a bounded answer and logs one debug line (kind,
 * status, duration; never the URL, headers or body, which hold numbers, texts and credentials).
 * Aborts become 'timeout' and network failures 'unavailable'; HTTP statuses are the caller's.
 */
export async function exchangeWithProvider(request: {
  kind: SmsProvider['kind'];
  label: string;
  url: string;
  init: { method: string; headers: Headers; body?: string };
  signal: AbortSignal;
  logger: Logger | undefined;
}): Promise<ProviderAnswer> {
  const { kind, label, signal, logger } = request;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let status: number | null = null;
  try {
    const response = await fetch(request.url, {
      ...request.init,
      signal,
      // A redirect would replay a POST with credentials elsewhere, or turn it into a GET.
      redirect: 'manual',
    });
    status = response.status;
    const body = await readBounded(response, label);
    logger?.debug({ provider: kind, status, durationMs: elapsed() }, 'sms provider request');
    return { status, body };
  } catch (error) {
    const failure = toProviderError(error, label, signal);
    logger?.debug(
      { provider: kind, status, durationMs: elapsed(), reason: failure.reason },
      'sms provider request failed',
    );
    throw failure;
  }
}

function toProviderError(error: unknown, label: string, signal: AbortSignal): ProviderError {
  if (error instanceof ProviderError) return error;
  if (signal.aborted) {
    return new ProviderError('timeout', `${label} did not answer in time`, { cause: error });
  }
  // undici reports "fetch failed" and puts the useful part (ECONNREFUSED, ...) in the cause.
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const detail = typeof cause?.code === 'string' ? cause.code : 'network error';
  return new ProviderError('unavailable', `${label} unreachable (${detail})`, { cause: error });
}

async function readBounded(response: Response, label: string): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => {});
      throw new ProviderError('bad_response', `${label} answer exceeds ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Maps a non-2xx status. 408 and 429 are "try again later", not a verdict on the message, so
 * they count as unavailable like a 5xx; any other 4xx is a refusal; 1xx/3xx are not answers.
 * The provider's own wording is kept for operators, minus any echo of our number or text.
 */
export function httpStatusError(
  label: string,
  answer: ProviderAnswer,
  detail: string | null,
  message: ProviderMessage,
): ProviderError {
  const suffix = detail === null ? '' : `: ${scrubEcho(detail, message)}`;
  const { status } = answer;
  if (status === 408 || status === 429 || status >= 500) {
    return new ProviderError('unavailable', `${label} unavailable (HTTP ${status})${suffix}`);
  }
  if (status >= 400) {
    return new ProviderError('refused', `${label} refused the message (HTTP ${status})${suffix}`);
  }
  return new ProviderError('bad_response', `${label} answered HTTP ${status}`);
}

/** Removes our number and text from a provider's error wording (some echo them) and caps it. */
export function scrubEcho(detail: string, message: ProviderMessage): string {
  let out = detail;
  const echoes = [message.text, message.to, message.to.replace(/^\+/, '')].filter(
    (s) => s.length >= 4,
  );
  for (const echo of echoes) out = out.split(echo).join('[redacted]');
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}
