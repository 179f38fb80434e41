import { describe, expect, it } from 'vitest';
import {
  normalizeIp,
  parseTrustProxy,
  resolveClientIp,
  type TrustPolicy,
  trustsPeer,
} from '../../src/http/client-ip.ts';

const resolve = (policy: TrustPolicy, forwardedFor: string | undefined, remoteAddress: string) =>
  resolveClientIp({ remoteAddress, forwardedFor, policy });

describe('parseTrustProxy', () => {
  it.each([undefined, '', '   ', '0'])('reads %j as trusting nobody', (value) => {
    expect(parseTrustProxy(value)).toEqual({ kind: 'none' });
  });

  it('reads a hop count', () => {
    expect(parseTrustProxy(' 2 ')).toEqual({ kind: 'hops', hops: 2 });
  });

  it('reads a list of IPv4 and IPv6 addresses and ranges', () => {
    const policy = parseTrustProxy('10.0.0.0/8, 127.0.0.1, ::1, fd00::/8');
    expect(policy.kind).toBe('list');
    const xff = '6.6.6.6';
    for (const proxy of ['10.200.3.4', '127.0.0.1', '::1', 'fd12:3456::1', '::ffff:10.0.0.1'])
      expect(resolve(policy, xff, proxy)).toBe('6.6.6.6');
    for (const other of ['11.0.0.1', '127.0.0.2', '::2', 'fe80::1', '2001:db8::1'])
      expect(resolve(policy, xff, other)).toBe(normalizeIp(other));
  });

  it('matches IPv4-mapped ranges against the plain IPv4 addresses they stand for', () => {
    const policy = parseTrustProxy('::ffff:10.0.0.0/104');
    expect(resolve(policy, '6.6.6.6', '10.9.9.9')).toBe('6.6.6.6');
    expect(resolve(policy, '6.6.6.6', '11.9.9.9')).toBe('11.9.9.9');
  });

  it.each([
    'true',
    'loopback',
    '-1',
    '1.5',
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/8/8',
    '10.0.0.0/x',
    '10.0.0.0/',
    '256.0.0.1',
    '10.0.0.0/8,',
    '10.0.0.0/8,,127.0.0.1',
    '127.0.0.1 10.0.0.1',
    '99999999999999999999',
  ])('rejects %j with a message naming the value', (value) => {
    expect(() => parseTrustProxy(value)).toThrow(/^TRUST_PROXY: .*expected a hop count/);
  });
});

describe('resolveClientIp', () => {
  const none = parseTrustProxy(undefined);
  const loopback = parseTrustProxy('127.0.0.1');
  const proxies = parseTrustProxy('127.0.0.1, 10.0.0.0/8');

  it('ignores a spoofed X-Forwarded-For when no proxy is trusted', () => {
    expect(resolve(none, '1.2.3.4', '198.51.100.7')).toBe('198.51.100.7');
    expect(resolve(none, '1.2.3.4, 127.0.0.1', '127.0.0.1')).toBe('127.0.0.1');
  });

  it('ignores X-Forwarded-For sent by an untrusted peer', () => {
    expect(resolve(loopback, '1.2.3.4', '198.51.100.7')).toBe('198.51.100.7');
    expect(resolve(parseTrustProxy('1'), undefined, '198.51.100.7')).toBe('198.51.100.7');
  });

  it('gives the same address for rotating X-Forwarded-For values without a trusted proxy', () => {
    const seen = new Set(
      ['1.1.1.1', '2.2.2.2, 3.3.3.3', '::1', 'garbage', '', undefined].map((xff) =>
        resolve(none, xff, '198.51.100.7'),
      ),
    );
    expect([...seen]).toEqual(['198.51.100.7']);
  });

  it('believes one trusted proxy about the hop before it, not about earlier ones', () => {
    expect(resolve(loopback, '203.0.113.9', '127.0.0.1')).toBe('203.0.113.9');
    expect(resolve(loopback, '6.6.6.6, 203.0.113.9', '127.0.0.1')).toBe('203.0.113.9');
  });

  it('walks back through a chain of trusted proxies to the rightmost untrusted hop', () => {
    expect(resolve(proxies, '6.6.6.6, 203.0.113.9, 10.1.2.3', '127.0.0.1')).toBe('203.0.113.9');
    expect(resolve(proxies, '203.0.113.9, 10.9.9.9, 10.1.2.3', '10.0.0.1')).toBe('203.0.113.9');
    // The client cannot pose as a proxy further left: the walk stops at the first stranger.
    expect(resolve(proxies, '10.5.5.5, 203.0.113.9, 10.1.2.3', '127.0.0.1')).toBe('203.0.113.9');
  });

  it('gives the leftmost address when every hop is trusted', () => {
    expect(resolve(proxies, '10.1.1.1, 10.2.2.2', '127.0.0.1')).toBe('10.1.1.1');
  });

  it('counts hops back from the remote address and stops at the leftmost', () => {
    const xff = '6.6.6.6, 203.0.113.9, 10.1.2.3';
    expect(resolve(parseTrustProxy('1'), xff, '127.0.0.1')).toBe('10.1.2.3');
    expect(resolve(parseTrustProxy('2'), xff, '127.0.0.1')).toBe('203.0.113.9');
    expect(resolve(parseTrustProxy('3'), xff, '127.0.0.1')).toBe('6.6.6.6');
    expect(resolve(parseTrustProxy('9'), xff, '127.0.0.1')).toBe('6.6.6.6');
    expect(resolve(parseTrustProxy('9'), '', '127.0.0.1')).toBe('127.0.0.1');
  });

  it('handles IPv6 remotes, entries and ranges', () => {
    const v6 = parseTrustProxy('::1, fd00::/8');
    expect(resolve(v6, '2001:DB8:0:0::7, fd00::2', '::1')).toBe('2001:db8::7');
    expect(resolve(v6, '2001:db8::7', 'fd00:abcd::1')).toBe('2001:db8::7');
    expect(resolve(v6, '2001:db8::7', '2001:db8::99')).toBe('2001:db8::99');
    expect(resolve(parseTrustProxy('1'), '[2001:db8::7]:4711', '::1')).toBe('2001:db8::7');
  });

  it('reads IPv4-mapped IPv6 as IPv4, in the remote address and in entries', () => {
    expect(resolve(none, undefined, '::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(resolve(loopback, '::ffff:203.0.113.9', '::ffff:127.0.0.1')).toBe('203.0.113.9');
    expect(resolve(loopback, '::FFFF:cb00:7109', '127.0.0.1')).toBe('203.0.113.9');
  });

  it('accepts the port some proxies append', () => {
    expect(resolve(loopback, '203.0.113.9:4711', '127.0.0.1')).toBe('203.0.113.9');
  });

  it.each([
    ['<script>', '127.0.0.1'],
    ['6.6.6.6, not-an-ip', '127.0.0.1'],
    ['', '127.0.0.1'],
    ['6.6.6.6, , 10.1.2.3', '10.1.2.3'],
    ['6.6.6.6, 999.1.1.1, 10.1.2.3', '10.1.2.3'],
    ['6.6.6.6, 10.1.2.3 10.1.2.4', '127.0.0.1'],
    ['6.6.6.6, fe80::1%<x>', '127.0.0.1'],
    ['6.6.6.6, 01.2.3.4', '127.0.0.1'],
  ])('stops at garbage in %j and answers the last valid address', (xff, expected) => {
    expect(resolve(proxies, xff, '127.0.0.1')).toBe(expected);
    expect(resolve(parseTrustProxy('5'), xff, '127.0.0.1')).toBe(expected);
  });

  it('never answers anything but an IP, whatever X-Forwarded-For holds', () => {
    const all = parseTrustProxy('0.0.0.0/0, ::/0');
    for (const xff of ['x', 'a,b,c', ' , ', '1.2.3.4, <img>', '[::1', '[]:80', ':80', '1.2.3.4:'])
      expect(normalizeIp(resolve(all, xff, '10.0.0.1'))).not.toBeNull();
  });
});

describe('normalizeIp', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    [' 1.2.3.4 ', '1.2.3.4'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::ffff:0102:0304', '1.2.3.4'],
    ['2001:0DB8:0000::0001', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::1', '::1'],
  ])('reads %j as %j', (input, expected) => {
    expect(normalizeIp(input)).toBe(expected);
  });

  it.each(['', 'localhost', '1.2.3', '1.2.3.4.5', '01.2.3.4', '::g', '[::1]', '1.2.3.4/8'])(
    'rejects %j',
    (input) => {
      expect(normalizeIp(input)).toBeNull();
    },
  );
});

describe('trustsPeer (whose X-Forwarded-Proto the console believes)', () => {
  it('believes the nearest hop under a hop count, a listed address under a list, nobody by default', () => {
    expect(trustsPeer(parseTrustProxy(undefined), '10.0.0.1')).toBe(false);
    expect(trustsPeer(parseTrustProxy('1'), '203.0.113.9')).toBe(true);
    const list = parseTrustProxy('10.0.0.0/8');
    expect(trustsPeer(list, '10.1.2.3')).toBe(true);
    expect(trustsPeer(list, '::ffff:10.1.2.3')).toBe(true);
    expect(trustsPeer(list, '203.0.113.9')).toBe(false);
  });
});
