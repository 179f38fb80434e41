import { randomInt } from 'node:crypto';
import { CODE_LENGTH } from '../kernel/app-settings.ts';

/**
 * A numeric one-time code. `crypto.randomInt` draws each digit by rejection sampling, so no digit
 * is more likely than another (no modulo bias), from the OS CSPRNG (NIST SP 800-63B 5.1.3.1).
 */
export function generateCode(length: number, digit: (max: number) => number = randomInt): string {
  if (!Number.isInteger(length) || length < CODE_LENGTH.min || length > CODE_LENGTH.max) {
    throw new RangeError(`code length must be ${CODE_LENGTH.min}-${CODE_LENGTH.max}`);
  }
  let code = '';
  for (let i = 0; i < length; i++) code += String(digit(10));
  return code;
}

/** Only digits of the verification's own length are codes; anything else spends no attempt. */
export function isWellFormedCode(code: string, length: number): boolean {
  return code.length === length && /^[0-9]+$/.test(code);
}

/**
 * What argon2 hashes for a code: the code alone, or the code and its binding. A bound code (a
 * signature's) then matches only a check that presents the same binding: the ordinary
 * /v1/verify/{id}/check, or a confirmation for another document, can never approve it.
 */
export function boundCode(code: string, binding: string | null | undefined): string {
  return binding ? `${code}\n${binding}` : code;
}
