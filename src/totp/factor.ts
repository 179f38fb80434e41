import { randomInt, timingSafeEqual } from 'node:crypto';
import { generateSync } from 'otplib';
import type { TotpAlgorithm } from './store.ts';

export interface TotpParameters {
  algorithm: TotpAlgorithm;
  digits: 6 | 8;
  /** Seconds per time step (RFC 6238 X). */
  period: number;
}

/** ±1 step of drift, judged by the server clock only (RFC 6238 §5.2, §6). */
export const DRIFT_STEPS = 1;

/** NIST SP 800-63B 5.2.2: at most 100 consecutive failed attempts on one authenticator. */
export const MAX_CONSECUTIVE_FAILURES = 100;

export const RECOVERY_CODE_COUNT = 10;

/** The time step of `nowMs` (RFC 6238 §4.2, T0 = 0). */
export function timeStep(nowMs: number, period: number): number {
  return Math.floor(nowMs / 1000 / period);
}

/** The code of one time step; `secret` is base32 (what the otpauth URI carries). */
export function codeAt(secret: string, parameters: TotpParameters, step: number): string {
  return generateSync({
    secret,
    algorithm: parameters.algorithm,
    digits: parameters.digits,
    period: parameters.period,
    epoch: step * parameters.period,
  });
}

/**
 * The steps within the drift window whose code is `code`, highest first. Every step is computed
 * and compared in constant time, so the answer's timing does not tell which step matched.
 */
export function matchingSteps(
  secret: string,
  parameters: TotpParameters,
  code: string,
  nowMs: number,
): number[] {
  const current = timeStep(nowMs, parameters.period);
  const given = Buffer.from(code);
  const matches: number[] = [];
  for (let step = current + DRIFT_STEPS; step >= current - DRIFT_STEPS; step--) {
    const expected = Buffer.from(codeAt(secret, parameters, step));
    if (expected.length === given.length && timingSafeEqual(expected, given)) matches.push(step);
  }
  return matches;
}

export function isTotpCodeShape(code: string, digits: number): boolean {
  return new RegExp(`^\\d{${digits}}$`).test(code);
}

// RFC 4648 base32 lower case: no 0/1/8/9, so a recovery code is never mistaken for a TOTP code
// once it holds a letter, and is easy to read aloud.
const RECOVERY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const RECOVERY_LENGTH = 10;

/**
 * A recovery code: 10 base32 characters (50 bits; NIST SP 800-63B 5.1.2 look-up secrets need 20
 * with rate limiting), shown as `xxxxx-xxxxx`. Never all digits, so it never reads as a TOTP code.
 */
export function newRecoveryCode(): string {
  for (;;) {
    let code = '';
    for (let i = 0; i < RECOVERY_LENGTH; i++)
      code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
    if (!/^\d+$/.test(code)) return `${code.slice(0, 5)}-${code.slice(5)}`;
  }
}

/** What is hashed and compared: lower case, without the separator and spaces users type. */
export function normalizeRecoveryCode(input: string): string | null {
  const code = input.toLowerCase().replace(/[\s-]/g, '');
  return code.length === RECOVERY_LENGTH && /^[a-z2-7]+$/.test(code) && !/^\d+$/.test(code)
    ? code
    : null;
}
