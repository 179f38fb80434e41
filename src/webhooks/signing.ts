import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * A new signing secret in the Standard Webhooks form: `whsec_` and base64 of 32 random bytes
 * (the specification asks for 24 to 64).
 */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The Standard Webhooks headers of one attempt: the message id (the same on every attempt, for
 * the receiver's deduplication), the attempt's time, and an HMAC-SHA256 signature per secret,
 * space-separated, so that a receiver still holding the previous secret after a rotation verifies.
 */
export function signedHeaders(
  messageId: string,
  at: Date,
  payload: string,
  secrets: readonly string[],
): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets
      .map((secret) => new Webhook(secret).sign(messageId, at, payload))
      .join(' '),
  };
}
