import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKeys } from '../../src/kernel/crypto/derive-keys.ts';
import {
  APP_HMAC_KEYS_CACHED,
  createPhoneProtector,
} from '../../src/kernel/crypto/phone-protector.ts';
import { newId } from '../../src/kernel/ids.ts';

const PHONE = '+33612345678';
const OTHER_PHONE = '+33612345679';
const HEX64 = /^[0-9a-f]{64}$/;

/** RFC 5869 HKDF-SHA-256 for one 32-byte block, written out independently of node's hkdfSync. */
function hkdf32(secret: Buffer, salt: string, info: string): Buffer {
  const prk = createHmac('sha256', salt).update(secret).digest();
  return createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from(info, 'utf8'), Buffer.from([1])]))
    .digest();
}

const hmacHex = (key: Buffer, value: string) =>
  createHmac('sha256', key).update(value, 'utf8').digest('hex');

describe('phone and user HMACs are per app (threat: linking one person across tenants)', () => {
  const secret = randomBytes(32);
  const keys = deriveKeys(secret);
  const phones = createPhoneProtector(keys);
  const appA = newId('app');
  const appB = newId('app');

  it('threat: the same number gives a different HMAC in each app', () => {
    const a = phones.hmac(appA, PHONE);
    const b = phones.hmac(appB, PHONE);
    expect(a).toMatch(HEX64);
    expect(b).toMatch(HEX64);
    expect(a).not.toBe(b);
  });

  it('threat: the same user_ref gives a different HMAC in each app', () => {
    expect(phones.hmac(appA, 'totp:user-42')).not.toBe(phones.hmac(appB, 'totp:user-42'));
  });

  it('within one app the HMAC joins one number and only it, and survives a restart', () => {
    const restarted = createPhoneProtector(deriveKeys(Buffer.from(secret)));
    expect(restarted.hmac(appA, PHONE)).toBe(phones.hmac(appA, PHONE));
    expect(phones.hmac(appA, PHONE)).toBe(phones.hmac(appA, PHONE));
    expect(phones.hmac(appA, OTHER_PHONE)).not.toBe(phones.hmac(appA, PHONE));
    // Another secret, other HMACs.
    const other = createPhoneProtector(deriveKeys(randomBytes(32)));
    expect(other.hmac(appA, PHONE)).not.toBe(phones.hmac(appA, PHONE));
  });

  it('pins the derivation: HMAC-SHA-256 under HKDF(phoneHmacKey, tessera/v1, phone-hmac/app/<id>)', () => {
    const appKey = hkdf32(keys.phoneHmacKey, 'tessera/v1', `phone-hmac/app/${appA}`);
    expect(phones.hmac(appA, PHONE)).toBe(hmacHex(appKey, PHONE));
  });

  it('lookups also try the legacy value, the old global formula, which is never an app HMAC', () => {
    const legacy = hmacHex(keys.phoneHmacKey, PHONE);
    expect(phones.lookupHmacs(appA, PHONE)).toEqual([phones.hmac(appA, PHONE), legacy]);
    expect(phones.lookupHmacs(appB, PHONE)).toEqual([phones.hmac(appB, PHONE), legacy]);
    expect([phones.hmac(appA, PHONE), phones.hmac(appB, PHONE)]).not.toContain(legacy);
  });

  it('gives the same HMACs past the bound of its per-app key cache', () => {
    const apps = Array.from({ length: 2 * APP_HMAC_KEYS_CACHED + 1 }, () => newId('app'));
    const first = apps.map((app) => phones.hmac(app, PHONE));
    const fresh = createPhoneProtector(keys);
    expect(apps.map((app) => fresh.hmac(app, PHONE))).toEqual(first);
    expect(apps.map((app) => phones.hmac(app, PHONE))).toEqual(first);
    expect(new Set(first).size).toBe(apps.length);
  });

  it('refuses an empty app id rather than share one key between callers that lost theirs', () => {
    expect(() => phones.hmac('', PHONE)).toThrow();
  });
});
