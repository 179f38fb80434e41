import { decrypt, encrypt } from './aead.ts';
import { deriveAppHmacKey } from './derive-keys.ts';
import { hmacHex } from './hmac.ts';

/** Phone numbers never rest in clear: an HMAC joins records, a sealed copy serves resends. */
export interface PhoneProtector {
  /**
   * The HMAC of a number (or a `totp:` user ref, a `prefix:` number range) under the app's own key:
   * it joins one app's records and counters, never two apps' (README, Threat model).
   */
  hmac(appId: string, value: string): string;
  /**
   * Every HMAC a stored row about this value may carry in this app, for lookups only: the app's
   * own, then the legacy one that releases before per-app keys wrote with one key for all apps
   * (README, Threat model). The legacy value is never written to a new row.
   */
  lookupHmacs(appId: string, value: string): readonly [own: string, legacy: string];
  seal(e164: string, recordId: string): string;
  open(sealed: string, recordId: string): string;
}

/**
 * Per-app keys kept in memory (32 bytes each), least recently used first out: HKDF is cheap, but
 * every request needs its app's key. Past this many apps, a key is simply derived again.
 */
export const APP_HMAC_KEYS_CACHED = 1024;

/** Phone numbers at rest: an HMAC per app to join records, an AES-GCM copy bound to one record id. */
export function createPhoneProtector(keys: {
  phoneHmacKey: Buffer;
  phoneEncryptionKey: Buffer;
}): PhoneProtector {
  const appKeys = new Map<string, Buffer>();
  const appKey = (appId: string): Buffer => {
    const cached = appKeys.get(appId);
    if (cached) {
      // Moved to the end: the first entry is always the least recently used.
      appKeys.delete(appId);
      appKeys.set(appId, cached);
      return cached;
    }
    const key = deriveAppHmacKey(keys.phoneHmacKey, appId);
    if (appKeys.size >= APP_HMAC_KEYS_CACHED) {
      const oldest = appKeys.keys().next().value;
      if (oldest !== undefined) appKeys.delete(oldest);
    }
    appKeys.set(appId, key);
    return key;
  };
  const hmac = (appId: string, value: string) => hmacHex(appKey(appId), value);
  return {
    hmac,
    lookupHmacs: (appId, value) => [hmac(appId, value), hmacHex(keys.phoneHmacKey, value)],
    seal: (e164, recordId) => encrypt(keys.phoneEncryptionKey, e164, recordId),
    open: (sealed, recordId) => decrypt(keys.phoneEncryptionKey, sealed, recordId),
  };
}
