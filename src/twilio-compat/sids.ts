import { createHash } from 'node:crypto';

/**
 * Twilio's resource ids (two letters and 32 hex digits) for Tessera's, without a mapping table: a
 * verification id carries 128 random bits, exactly the 32 hex digits of a `VE` sid, so each turns
 * into the other. No I/O here.
 */

const VERIFICATION_ID = /^ver_([A-Za-z0-9_-]{22})$/;
const VERIFICATION_SID = /^VE[0-9a-f]{32}$/;
const SERVICE_SID = /^VA[0-9a-fA-F]{32}$/;

export function verificationSid(id: string): string {
  const random = VERIFICATION_ID.exec(id)?.[1];
  if (!random) throw new Error('not a verification id');
  return `VE${Buffer.from(random, 'base64url').toString('hex')}`;
}

/** The verification id a `VE` sid stands for, or null when it is not one. */
export function verificationIdOf(sid: string): string | null {
  if (!VERIFICATION_SID.test(sid)) return null;
  return `ver_${Buffer.from(sid.slice(2), 'hex').toString('base64url')}`;
}

/**
 * The `account_sid` shown for an app: stable, and derived from the app id alone, which it does not
 * reveal (the id is not secret, but it need not travel either).
 */
export function accountSid(appId: string): string {
  return `AC${createHash('sha256').update(`tessera-account:${appId}`).digest('hex').slice(0, 32)}`;
}

/** Any well-formed service sid names the key's app: the key, not the sid, chooses the app. */
export function isServiceSid(value: string): boolean {
  return SERVICE_SID.test(value);
}
