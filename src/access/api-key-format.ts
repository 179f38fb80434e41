import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'tsk_';

/** 256 random bits. High-entropy keys need no slow hash: SHA-256 makes a stored hash useless to a thief. */
export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** What may be shown of a key after creation (list output, logs): its prefix and first characters. */
export function apiKeyHint(key: string): string {
  return `${key.slice(0, KEY_PREFIX.length + 6)}…`;
}
