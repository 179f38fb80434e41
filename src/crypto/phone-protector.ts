import type { PhoneProtector } from '../services/ports.ts';
import { decrypt, encrypt } from './aead.ts';
import { hmacHex } from './hmac.ts';

/** Phone numbers at rest: an HMAC to join records, an AES-GCM copy bound to one record id. */
export function createPhoneProtector(keys: {
  phoneHmacKey: Buffer;
  phoneEncryptionKey: Buffer;
}): PhoneProtector {
  return {
    hmac: (e164) => hmacHex(keys.phoneHmacKey, e164),
    seal: (e164, recordId) => encrypt(keys.phoneEncryptionKey, e164, recordId),
    open: (sealed, recordId) => decrypt(keys.phoneEncryptionKey, sealed, recordId),
  };
}
