import ipaddr from 'ipaddr.js';

/**
 * Where webhook deliveries may go (README, Events (webhooks)): a tenant's URL must not reach the
 * deployment's own network (OWASP SSRF Prevention Cheat Sheet). Only public unicast addresses
 * over https; loopback (http allowed there) and private ranges only when the operator says so.
 */
export interface EgressPolicy {
  /** WEBHOOK_ALLOW_LOOPBACK: 127.0.0.0/8 and ::1, over http or https (development). */
  allowLoopback: boolean;
  /** WEBHOOK_ALLOW_PRIVATE: RFC 1918, RFC 6598 (CGNAT) and fc00::/7 (ULA), over https. */
  allowPrivate: boolean;
}

export type AddressVerdict = { allowed: true } | { allowed: false; range: string };

const PRIVATE_RANGES = new Set(['private', 'carrierGradeNat', 'uniqueLocal']);

/**
 * Whether a delivery may connect to this address. An IPv4-mapped IPv6 address is judged as the
 * IPv4 one it carries. Everything ipaddr.js does not call `unicast` is refused unless allowed
 * above: link-local (cloud metadata at 169.254.169.254 among them) never is, nor are multicast,
 * unspecified, reserved, documentation, 6to4, Teredo and NAT64 addresses (which can carry a
 * private IPv4 one).
 */
export function judgeAddress(address: string, policy: EgressPolicy): AddressVerdict {
  if (!ipaddr.isValid(address)) return { allowed: false, range: 'invalid' };
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  if (range === 'unicast') return { allowed: true };
  if (range === 'loopback' && policy.allowLoopback) return { allowed: true };
  if (PRIVATE_RANGES.has(range) && policy.allowPrivate) return { allowed: true };
  return { allowed: false, range };
}

export type UrlVerdict = { ok: true; url: URL; host: string } | { ok: false; reason: string };

/**
 * The URL's own rules, before any address is looked up: https (http only when loopback is
 * allowed, and then only to a loopback address: checked with the address), no credentials in it.
 */
export function judgeUrl(text: string, policy: EgressPolicy): UrlVerdict {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'is not a URL' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowLoopback)) {
    return { ok: false, reason: 'must use https' };
  }
  if (url.username || url.password) return { ok: false, reason: 'must not hold credentials' };
  // An IPv6 literal comes bracketed in URL.hostname.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') return { ok: false, reason: 'has no host' };
  return { ok: true, url, host };
}

/**
 * The addresses a URL resolved to, judged together: one refused address refuses the URL (a name
 * with a public and a private address would reach either), and plain http needs loopback.
 */
export function judgeAddresses(
  url: URL,
  addresses: readonly string[],
  policy: EgressPolicy,
): { allowed: true; address: string } | { allowed: false; reason: string } {
  const first = addresses[0];
  if (first === undefined) return { allowed: false, reason: 'does not resolve' };
  for (const address of addresses) {
    const verdict = judgeAddress(address, policy);
    if (!verdict.allowed) {
      return { allowed: false, reason: `resolves to a ${verdict.range} address (${address})` };
    }
    if (url.protocol === 'http:' && judgeAddress(address, noLoopback(policy)).allowed) {
      return { allowed: false, reason: 'must use https (http is for loopback only)' };
    }
  }
  return { allowed: true, address: first };
}

function noLoopback(policy: EgressPolicy): EgressPolicy {
  return { ...policy, allowLoopback: false };
}
