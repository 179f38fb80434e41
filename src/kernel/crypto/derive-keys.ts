import { hkdfSync } from 'node:crypto';

/** Every key Tessera uses, each derived from SECRET_KEY with its own HKDF label (RFC 5869). */
export interface DerivedKeys {
  /** argon2 `secret` for code hashes; never leaves the process, so a Redis dump alone is useless. */
  readonly codePepper: Buffer;
  /**
   * Parent of the per-app phone HMAC keys (deriveAppHmacKey). Used as an HMAC key itself only to
   * find rows written before per-app keys (PhoneProtector.lookupHmacs), never for new ones.
   */
  readonly phoneHmacKey: Buffer;
  /** AES-256-GCM key for the encrypted phone copy a resend needs. */
  readonly phoneEncryptionKey: Buffer;
  /** HMAC key for Idempotency-Key request fingerprints (a request body holds a clear number). */
  readonly requestFingerprintKey: Buffer;
  /** AES-256-GCM key for TOTP shared secrets at rest (RFC 6238 §5.1: protect the stored key). */
  readonly totpKey: Buffer;
  /** HMAC key for API key hashes: a stolen api_keys table cannot be used to test guessed keys. */
  readonly apiKeyHashKey: Buffer;
  /** HMAC key for audit paging cursors: a cursor a client forged or altered is refused. */
  readonly auditCursorKey: Buffer;
  /** Ed25519 seed signing the audit log's checkpoints when AUDIT_SIGNING_KEY is not set. */
  readonly auditSigningSeed: Buffer;
  /** HMAC key for list cursors: a client cannot forge one that reads past its filters or app. */
  readonly listCursorKey: Buffer;
  /** AES-256-GCM key sealing webhook endpoints' signing secrets (they must be read to sign). */
  readonly webhookSecretKey: Buffer;
  /**
   * AES-256-GCM key wrapping each person's subject key at rest (subjects/), so a copy of the
   * subject_keys table alone cannot be used to test guessed numbers against their HMACs.
   */
  readonly subjectKeyWrap: Buffer;
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
    auditCursorKey: derive(secretKey, 'audit-cursor'),
    auditSigningSeed: derive(secretKey, 'audit-checkpoint-ed25519'),
    listCursorKey: derive(secretKey, 'list-cursor'),
    webhookSecretKey: derive(secretKey, 'webhook-secret'),
    subjectKeyWrap: derive(secretKey, 'subject-key-wrap'),
  });
}

/**
 * One app's key for the HMACs of phone numbers and user refs: HKDF from phoneHmacKey with the app
 * id in the label, so the same number or user_ref gives unrelated HMACs in two apps and their rows
 * and Redis keys cannot be joined across tenants. The label is `phone-hmac/app/` followed by the
 * whole id, so two ids never share a label.
 */
export function deriveAppHmacKey(phoneHmacKey: Buffer, appId: string): Buffer {
  // An empty id would be a caller that lost its app: refused rather than given a key of its own.
  if (appId.length === 0) throw new Error('a per-app HMAC key needs an app id');
  return derive(phoneHmacKey, `phone-hmac/app/${appId}`);
}
