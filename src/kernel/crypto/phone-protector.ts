import { decrypt, encrypt } from './aead.ts';
import { hmacHex } from './hmac.ts';

/** Phone numbers never rest in clear: an HMAC joins records, a sealed copy serves resends. */
export interface PhoneProtector {
  hmac(e164: string): string;
  seal(e164: string, recordId: string): string;
  open(sealed: string, recordId: string): string;
}

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
