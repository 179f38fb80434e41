import { describe, expect, it } from 'vitest';
import { resolveDestination, systemResolver } from '../../src/webhooks/egress.ts';
import {
  type EgressPolicy,
  judgeAddress,
  judgeAddresses,
  judgeUrl,
} from '../../src/webhooks/egress-policy.ts';

const STRICT: EgressPolicy = { allowLoopback: false, allowPrivate: false };
const DEV: EgressPolicy = { allowLoopback: true, allowPrivate: false };
const PRIVATE: EgressPolicy = { allowLoopback: false, allowPrivate: true };

describe('webhook egress: which addresses a delivery may reach', () => {
  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.216.34'])(
    'allows the public unicast address %s',
    (address) => {
      expect(judgeAddress(address, STRICT)).toEqual({ allowed: true });
    },
  );

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['::ffff:192.168.1.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    // Addresses that carry an IPv4 one: 6to4 of 10.0.0.1, NAT64 of 127.0.0.1, Teredo.
    ['2002:0a00:0001::1', '6to4'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['2001:0::1', 'teredo'],
  ])('refuses %s (%s) by default', (address, range) => {
    expect(judgeAddress(address, STRICT)).toEqual({ allowed: false, range });
  });

  it('allows loopback only with WEBHOOK_ALLOW_LOOPBACK, private ranges only with WEBHOOK_ALLOW_PRIVATE', () => {
    expect(judgeAddress('127.0.0.1', DEV).allowed).toBe(true);
    expect(judgeAddress('::ffff:127.0.0.1', DEV).allowed).toBe(true);
    expect(judgeAddress('10.0.0.1', DEV).allowed).toBe(false);
    expect(judgeAddress('10.0.0.1', PRIVATE).allowed).toBe(true);
    expect(judgeAddress('fd00::1', PRIVATE).allowed).toBe(true);
    expect(judgeAddress('100.64.0.1', PRIVATE).allowed).toBe(true);
    expect(judgeAddress('127.0.0.1', PRIVATE).allowed).toBe(false);
    // Link-local (cloud metadata) is never allowed.
    const everything = { allowLoopback: true, allowPrivate: true };
    expect(judgeAddress('169.254.169.254', everything).allowed).toBe(false);
    expect(judgeAddress('fe80::1', everything).allowed).toBe(false);
  });

  it('refuses what is not an address', () => {
    expect(judgeAddress('not-an-ip', STRICT)).toEqual({ allowed: false, range: 'invalid' });
  });
});

describe('webhook egress: URLs', () => {
  it('wants https, and http only when loopback is allowed', () => {
    expect(judgeUrl('https://hooks.example.com/x', STRICT)).toMatchObject({ ok: true });
    expect(judgeUrl('http://hooks.example.com/x', STRICT)).toEqual({
      ok: false,
      reason: 'must use https',
    });
    expect(judgeUrl('http://127.0.0.1:8080/x', DEV)).toMatchObject({ ok: true, host: '127.0.0.1' });
    expect(judgeUrl('https://[::1]/x', DEV)).toMatchObject({ ok: true, host: '::1' });
    expect(judgeUrl('gopher://example.com/', DEV)).toMatchObject({ ok: false });
    expect(judgeUrl('https://u:p@example.com/', STRICT)).toMatchObject({ ok: false });
    expect(judgeUrl('not a url', STRICT)).toMatchObject({ ok: false });
  });

  it('refuses a name when any of its addresses is refused, and http to a non-loopback one', () => {
    const url = new URL('https://hooks.example.com/');
    expect(judgeAddresses(url, ['93.184.216.34', '10.0.0.1'], STRICT)).toMatchObject({
      allowed: false,
    });
    expect(judgeAddresses(url, ['93.184.216.34'], STRICT)).toEqual({
      allowed: true,
      address: '93.184.216.34',
    });
    expect(judgeAddresses(url, [], STRICT)).toMatchObject({ allowed: false });
    const plain = new URL('http://hooks.example.com/');
    expect(judgeAddresses(plain, ['93.184.216.34'], DEV)).toMatchObject({ allowed: false });
    expect(judgeAddresses(plain, ['127.0.0.1'], DEV)).toMatchObject({ allowed: true });
  });

  it('judges what the name resolves to now (so a name that moves is caught at delivery)', async () => {
    let answer = ['93.184.216.34'];
    const resolve = async () => answer;
    const url = 'https://rebinding.example.com/hook';
    expect(await resolveDestination(url, STRICT, resolve)).toMatchObject({
      ok: true,
      address: '93.184.216.34',
    });
    answer = ['169.254.169.254'];
    expect(await resolveDestination(url, STRICT, resolve)).toEqual({
      ok: false,
      reason: 'resolves to a linkLocal address (169.254.169.254)',
    });
    const failing = async (): Promise<string[]> => {
      throw new Error('ENOTFOUND');
    };
    expect(await resolveDestination(url, STRICT, failing)).toEqual({
      ok: false,
      reason: 'does not resolve',
    });
  });

  it('resolves real names with the system resolver: localhost is loopback, refused by default', async () => {
    expect(await resolveDestination('https://localhost/x', STRICT, systemResolver)).toMatchObject({
      ok: false,
    });
    expect(await resolveDestination('https://localhost/x', DEV, systemResolver)).toMatchObject({
      ok: true,
    });
  });
});
