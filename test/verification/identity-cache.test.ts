import { describe, expect, it } from 'vitest';
import { createIdentityCache } from '../../src/verification/code-store/identity-cache.ts';

const identity = (id: string, expiresAt = 10_000) => ({
  id,
  appId: 'app_a',
  purpose: 'login' as const,
  phoneHmac: `hmac_${id}`,
  phoneMasked: '+33 6** ** ** 01',
  codeLength: 6,
  expiresAt,
});

describe('identity cache', () => {
  it('serves an identity until its code expires, per app', () => {
    const cache = createIdentityCache();
    cache.remember(identity('ver_1', 10_000));
    expect(cache.lookup('app_a', 'ver_1', 9_999)?.phoneHmac).toBe('hmac_ver_1');
    expect(cache.lookup('app_b', 'ver_1', 0)).toBeNull();
    expect(cache.lookup('app_a', 'ver_1', 10_000)).toBeNull();
    // Expired entries are dropped, not served again.
    expect(cache.lookup('app_a', 'ver_1', 0)).toBeNull();
  });

  it('keeps at most `capacity` identities, dropping the oldest', () => {
    const cache = createIdentityCache(2);
    cache.remember(identity('ver_1'));
    cache.remember(identity('ver_2'));
    cache.remember(identity('ver_1', 20_000)); // remembered again: now the newest
    cache.remember(identity('ver_3'));
    expect(cache.lookup('app_a', 'ver_2', 0)).toBeNull();
    expect(cache.lookup('app_a', 'ver_1', 15_000)?.expiresAt).toBe(20_000);
    expect(cache.lookup('app_a', 'ver_3', 0)).not.toBeNull();
  });
});
