import { createHmac, randomBytes } from 'node:crypto';
import { verify as plainArgon2Verify } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { decrypt, encrypt } from '../../src/kernel/crypto/aead.ts';
import { createArgon2CodeHasher } from '../../src/kernel/crypto/code-hasher.ts';
import { type DerivedKeys, deriveKeys } from '../../src/kernel/crypto/derive-keys.ts';
import { HASH_PROFILES, type HashProfileName } from '../../src/kernel/crypto/hash-profiles.ts';

const PEPPER = randomBytes(32);
const OTHER_PEPPER = randomBytes(32);
const CODE = '482913';

const ENCODED_PREFIX: Record<HashProfileName, string> = {
  otp: '$argon2id$v=19$m=4096,t=1,p=1$',
  owasp: '$argon2id$v=19$m=19456,t=2,p=1$',
};

describe.each(Object.keys(HASH_PROFILES) as HashProfileName[])(
  'argon2id code hasher, %s profile',
  (name) => {
    const hasher = createArgon2CodeHasher(HASH_PROFILES[name], PEPPER);

    it(`encodes argon2id v19 with the pinned costs (${ENCODED_PREFIX[name]})`, async () => {
      const encoded = await hasher.hash(CODE);
      expect(encoded.startsWith(ENCODED_PREFIX[name])).toBe(true);
      // Nothing of the code or the pepper is in the stored string.
      expect(encoded).not.toContain(CODE);
      expect(encoded).not.toContain(PEPPER.toString('base64').replace(/=+$/, ''));
    });

    it('verifies the right code and refuses a wrong one', async () => {
      const encoded = await hasher.hash(CODE);
      expect(await hasher.verify(encoded, CODE)).toBe(true);
      expect(await hasher.verify(encoded, '482914')).toBe(false);
      expect(await hasher.verify(encoded, '48291')).toBe(false);
      expect(await hasher.verify(encoded, `${CODE}0`)).toBe(false);
      expect(await hasher.verify(encoded, '')).toBe(false);
    });

    it('salts: the same code hashed twice gives two different hashes, both valid', async () => {
      const [a, b] = await Promise.all([hasher.hash(CODE), hasher.hash(CODE)]);
      expect(a).not.toBe(b);
      expect(await hasher.verify(a, CODE)).toBe(true);
      expect(await hasher.verify(b, CODE)).toBe(true);
    });

    it('a hash made under one pepper does not verify under another', async () => {
      const encoded = await hasher.hash(CODE);
      const other = createArgon2CodeHasher(HASH_PROFILES[name], OTHER_PEPPER);
      expect(await other.verify(encoded, CODE)).toBe(false);
    });

    it('a leaked hash is useless without the pepper: plain argon2 verify refuses the right code', async () => {
      const encoded = await hasher.hash(CODE);
      expect(await plainArgon2Verify(encoded, CODE)).toBe(false);
      // ...while the same library call with the pepper accepts it, so the refusal is the pepper's.
      expect(await plainArgon2Verify(encoded, CODE, { secret: PEPPER })).toBe(true);
    });
  },
);

describe('AES-256-GCM sealing (aead.ts)', () => {
  const key = randomBytes(32);
  const PHONE = '+33612345678';
  const RECORD_A = 'ver_AAAAAAAAAAAAAAAAAAAAAA';
  const RECORD_B = 'ver_BBBBBBBBBBBBBBBBBBBBBB';

  it('opens what it sealed, and the sealed text does not show the plaintext', () => {
    const sealed = encrypt(key, PHONE, RECORD_A);
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('612345678');
    expect(decrypt(key, sealed, RECORD_A)).toBe(PHONE);
  });

  it('uses a fresh IV: sealing the same text twice gives two different ciphertexts', () => {
    const a = encrypt(key, PHONE, RECORD_A);
    const b = encrypt(key, PHONE, RECORD_A);
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64url').subarray(0, 12)).not.toEqual(
      Buffer.from(b, 'base64url').subarray(0, 12),
    );
  });

  it('a ciphertext sealed for record A does not open for record B (copied between records)', () => {
    const sealed = encrypt(key, PHONE, RECORD_A);
    expect(() => decrypt(key, sealed, RECORD_B)).toThrow();
  });

  it('does not open under another key', () => {
    const sealed = encrypt(key, PHONE, RECORD_A);
    expect(() => decrypt(randomBytes(32), sealed, RECORD_A)).toThrow();
  });

  it.each([
    ['IV', 0],
    ['tag', 12],
    ['ciphertext', 28],
    ['last ciphertext', -1],
  ])('refuses a ciphertext with one flipped bit in its %s (byte %i)', (_, index) => {
    const raw = Buffer.from(encrypt(key, PHONE, RECORD_A), 'base64url');
    const at = index < 0 ? raw.length + index : index;
    raw[at] = (raw[at] as number) ^ 0x01;
    expect(() => decrypt(key, raw.toString('base64url'), RECORD_A)).toThrow();
  });

  it('refuses a truncated ciphertext', () => {
    const raw = Buffer.from(encrypt(key, PHONE, RECORD_A), 'base64url');
    expect(() =>
      decrypt(key, raw.subarray(0, raw.length - 1).toString('base64url'), RECORD_A),
    ).toThrow();
  });
});

/** RFC 5869 HKDF-SHA-256 for one 32-byte block, written out independently of node's hkdfSync. */
function hkdf32(secret: Buffer, salt: string, info: string): Buffer {
  const prk = createHmac('sha256', salt).update(secret).digest();
  return createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from(info, 'utf8'), Buffer.from([1])]))
    .digest();
}

/** Each derived key and its HKDF label: a changed label or salt silently orphans stored data. */
const LABELS: Record<keyof DerivedKeys, string> = {
  codePepper: 'code-pepper',
  phoneHmacKey: 'phone-hmac',
  phoneEncryptionKey: 'phone-encryption',
  requestFingerprintKey: 'request-fingerprint',
  totpKey: 'totp-secret',
  apiKeyHashKey: 'api-key-hash',
  auditCursorKey: 'audit-cursor',
  auditSigningSeed: 'audit-checkpoint-ed25519',
  listCursorKey: 'list-cursor',
  webhookSecretKey: 'webhook-secret',
  subjectKeyWrap: 'subject-key-wrap',
};

describe('key derivation (derive-keys.ts)', () => {
  const secret = randomBytes(32);

  it('derives distinct 32-byte keys, none equal to the secret', () => {
    const all = Object.values(deriveKeys(secret));
    expect(all).toHaveLength(Object.keys(LABELS).length);
    for (const key of all) {
      expect(key).toHaveLength(32);
      expect(key.equals(secret)).toBe(false);
    }
    expect(new Set(all.map((key) => key.toString('hex'))).size).toBe(all.length);
  });

  it('is deterministic: the same secret gives the same keys (stored hashes survive restarts)', () => {
    expect(deriveKeys(Buffer.from(secret))).toEqual(deriveKeys(secret));
  });

  it('another secret gives entirely different keys', () => {
    const a = deriveKeys(secret);
    const b = deriveKeys(randomBytes(32));
    for (const name of Object.keys(LABELS) as (keyof DerivedKeys)[])
      expect(a[name].equals(b[name]), name).toBe(false);
  });

  it('pins the derivation (salt tessera/v1, one HKDF label per key): changing it orphans stored data', () => {
    const expected = Object.fromEntries(
      Object.entries(LABELS).map(([name, label]) => [name, hkdf32(secret, 'tessera/v1', label)]),
    );
    expect(deriveKeys(secret)).toEqual(expected);
  });

  it('the derived key set is frozen: no key can be replaced at run time', () => {
    expect(Object.isFrozen(deriveKeys(secret))).toBe(true);
  });
});
