import { RefusedError } from '../kernel/errors.ts';
import type { ConsentRequest } from './lead.ts';

/**
 * The `marketing_consent` of a lead request. Consent must be given by a clear affirmative act
 * (GDPR art. 4(11), EDPB guidelines 05/2020): only the JSON value `true` is consent. A missing,
 * null or false `granted` is no consent; any other value (`"true"`, `1`, `"yes"`) is a client
 * bug that must not be guessed at, and is refused (422) rather than read either way.
 */
export function parseConsentRequest(
  input:
    | {
        granted?: unknown;
        text?: string | undefined;
        version?: string | undefined;
        re_opt_in?: boolean | undefined;
      }
    | null
    | undefined,
): ConsentRequest | null {
  if (input === null || input === undefined) return null;
  const { granted } = input;
  if (granted === undefined || granted === null || granted === false) return null;
  if (granted !== true) {
    throw new RefusedError(
      'invalid_consent',
      'marketing_consent.granted must be the JSON value true or false (not a string or a number).',
    );
  }
  if (!input.text || !input.version) {
    throw new RefusedError(
      'invalid_consent',
      'A granted marketing_consent needs the exact text shown and its version.',
    );
  }
  return { text: input.text, version: input.version, reOptIn: input.re_opt_in === true };
}
