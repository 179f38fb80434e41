import { createHash, randomBytes } from 'node:crypto';
import { hmacHex } from '../kernel/crypto/hmac.ts';

const KEY_PREFIX = 'tsk_';

/**
 * `tsk_<tag>_<secret>`: a public tag (8 hex characters, 32 random bits, shown as the key's hint so
 * an operator can tell keys apart) and the secret (256 random bits, base64url), which is never
 * stored or shown in any part.
 */
const GENERATED_KEY = /^tsk_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$/;

export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(4).toString('hex')}_${randomBytes(32).toString('base64url')}`;
}

/** Whether `key` has the shape generateApiKey gives (BOOTSTRAP_API_KEY must). */
export function isGeneratedApiKey(key: string): boolean {
  return GENERATED_KEY.test(key);
}

/**
 * What may be shown of a key after creation (list output, audit rows): its prefix and public tag
 * only. A key of another shape (one stored before the tag existed) shows nothing of itself.
 */
export function apiKeyHint(key: string): string {
  const tag = GENERATED_KEY.exec(key)?.[1];
  return tag === undefined ? `${KEY_PREFIX}…` : `${KEY_PREFIX}${tag}…`;
}

/** How a clear key becomes what `api_keys.key_hash` holds. */
export interface ApiKeyHasher {
  /**
   * HMAC-SHA-256 under a key derived from SECRET_KEY (hash_version 2): whoever holds the table
   * but not SECRET_KEY cannot test a guessed key against it.
   */
  hash(key: string): string;
  /**
   * The unkeyed SHA-256 earlier versions stored (hash_version 1); looked up only to find such a
   * row and rehash it on its first use (README, Administration).
   */
  legacyHash(key: string): string;
}

export function createApiKeyHasher(apiKeyHashKey: Buffer): ApiKeyHasher {
  return {
    hash: (key) => hmacHex(apiKeyHashKey, key),
    legacyHash: (key) => createHash('sha256').update(key, 'utf8').digest('hex'),
  };
}
