import { hkdfSync } from 'node:crypto';

/** Every key Tessera uses, each derived from SECRET_KEY with its own HKDF label (RFC 5869). */
export interface DerivedKeys {
  /** argon2 `secret` for code hashes; never leaves the process, so a Redis dump alone is useless. */
  readonly codePepper: Buffer;
  /** HMAC-SHA-256 key for phone numbers: joins records of one number without storing it. */
  readonly phoneHmacKey: Buffer;
  /** AES-256-GCM key for the encrypted phone copy a resend needs. */
  readonly phoneEncryptionKey: Buffer;
  /** HMAC key for Idempotency-Key request fingerprints (a request body holds a clear number). */
  readonly requestFingerprintKey: Buffer;
  /** AES-256-GCM key for TOTP shared secrets at rest (RFC 6238 §5.1: protect the stored key). */
  readonly totpKey: Buffer;
  /** HMAC key for API key hashes: a stolen api_keys table cannot be used to test guessed keys. */
  readonly apiKeyHashKey: Buffer;
}

const SALT = Buffer.from('tessera/v1');

function derive(secret: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, SALT, label, 32));
}

export function deriveKeys(secretKey: Buffer): DerivedKeys {
  return Object.freeze({
    codePepper: derive(secretKey, 'code-pepper'),
    phoneHmacKey: derive(secretKey, 'phone-hmac'),
    phoneEncryptionKey: derive(secretKey, 'phone-encryption'),
    requestFingerprintKey: derive(secretKey, 'request-fingerprint'),
    totpKey: derive(secretKey, 'totp-secret'),
    apiKeyHashKey: derive(secretKey, 'api-key-hash'),
  });
}
