import { z } from '@hono/zod-openapi';

/*
 * Text that a request hands to a store is checked at the door, so that a bad string is a 400
 * naming its field rather than an error of Postgres (which refuses NUL in text and in jsonb) or a
 * string that changes on the way:
 * - C0 controls (NUL, ESC, CR, LF...), DEL and C1 controls (NEL...) have no place in an id, a
 *   user reference, a label or a user agent; they forge log lines and terminal output
 *   (OWASP ASVS 5.1.4, validate structured data; CWE-117, log neutralisation).
 * - A lone surrogate is not Unicode: encoded to UTF-8 it becomes U+FFFD, so two different
 *   user_refs would name the same user, and Postgres refuses it in jsonb.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/;
// The same rule as a whole-string pattern, which the OpenAPI document shows to clients.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001F\u007F-\u009F]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS_BUT_WHITESPACE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// With the u flag a lone surrogate is one code point of its own, and only a lone one matches.
const LONE_SURROGATE = /\p{Cs}/u;

const CONTROL_MESSAGE = 'must not contain control characters';
const SURROGATE_MESSAGE = 'must be well-formed Unicode (no lone surrogate)';

/** A string without control characters and well-formed; chain `.min()`, `.max()`, `.openapi()`. */
export function safeText() {
  return z
    .string()
    .regex(NO_CONTROL_CHARACTERS, CONTROL_MESSAGE)
    .refine((text) => !LONE_SURROGATE.test(text), SURROGATE_MESSAGE);
}

/**
 * What is wrong with free JSON an app attaches (metadata), or null: keys follow the rule of
 * safeText, string values may also hold tabs and line breaks. At any depth.
 */
export function jsonTextProblem(value: unknown): string | null {
  if (typeof value === 'string') {
    if (CONTROL_CHARACTERS_BUT_WHITESPACE.test(value)) {
      return 'must not contain control characters (tab and line breaks aside) in its strings';
    }
    return LONE_SURROGATE.test(value) ? `${SURROGATE_MESSAGE} in its strings` : null;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = jsonTextProblem(item);
      if (problem) return problem;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (CONTROL_CHARACTERS.test(key)) return `${CONTROL_MESSAGE} in its keys`;
      if (LONE_SURROGATE.test(key)) return `${SURROGATE_MESSAGE} in its keys`;
      const problem = jsonTextProblem(item);
      if (problem) return problem;
    }
  }
  return null;
}
