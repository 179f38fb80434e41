import { BlockList, isIP } from 'node:net';

/**
 * Which proxies in front of the server may be believed about the client's address (TRUST_PROXY):
 * none, the N nearest hops, or those whose address is in a list of IPs / CIDR ranges.
 */
export type TrustPolicy =
  | { kind: 'none' }
  | { kind: 'hops'; hops: number }
  | { kind: 'list'; list: BlockList };

const NO_TRUST: TrustPolicy = { kind: 'none' };

const EXPECTED =
  'expected a hop count (e.g. 1) or a comma-separated list of IPs / CIDR ranges (e.g. "10.0.0.0/8, 127.0.0.1, ::1, fd00::/8")';

/** Reads TRUST_PROXY; throws on anything it cannot read, so a typo fails the start, not silently. */
export function parseTrustProxy(value: string | undefined): TrustPolicy {
  const text = value?.trim() ?? '';
  if (text === '') return NO_TRUST;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (!Number.isSafeInteger(hops))
      throw new Error(`TRUST_PROXY: ${text} is too large; ${EXPECTED}`);
    return hops === 0 ? NO_TRUST : { kind: 'hops', hops };
  }
  const list = new BlockList();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') throw new Error(`TRUST_PROXY: empty entry in "${text}"; ${EXPECTED}`);
    addEntry(list, entry);
  }
  return { kind: 'list', list };
}

function addEntry(list: BlockList, entry: string): void {
  const invalid = () =>
    new Error(`TRUST_PROXY: "${entry}" is not an IP or CIDR range; ${EXPECTED}`);
  const [addressText = '', prefixText, ...rest] = entry.split('/');
  const address = normalizeIp(addressText);
  if (address === null || rest.length > 0) throw invalid();
  const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) {
    list.addAddress(address, family);
    return;
  }
  if (!/^\d{1,3}$/.test(prefixText)) throw invalid();
  let prefix = Number(prefixText);
  // Addresses are matched after ::ffff:a.b.c.d becomes a.b.c.d, so a mapped range must too.
  if (family === 'ipv4' && isIP(addressText.trim()) === 6) prefix -= 96;
  if (prefix < 0 || prefix > (family === 'ipv4' ? 32 : 128)) throw invalid();
  list.addSubnet(address, prefix, family);
}

/**
 * The canonical text of an IP address, or null when it is not one: IPv4-mapped IPv6 becomes
 * IPv4, IPv6 is lower-cased and compressed, and a zone id is dropped. One address then has one
 * spelling, so per-IP limits cannot be dodged by rewriting it.
 */
export function normalizeIp(text: string): string | null {
  const trimmed = text.trim();
  const family = isIP(trimmed);
  if (family === 4) return trimmed;
  if (family !== 6) return null;
  const zone = trimmed.indexOf('%');
  const bare = zone === -1 ? trimmed : trimmed.slice(0, zone);
  let canonical: string;
  try {
    canonical = new URL(`http://[${bare}]`).hostname.slice(1, -1);
  } catch {
    return null;
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const high = Number.parseInt(mapped[1]!, 16);
  const low = Number.parseInt(mapped[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** An X-Forwarded-For entry; some proxies append a port ("203.0.113.9:4711", "[2001:db8::1]:80"). */
function parseForwardedEntry(entry: string): string | null {
  const text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) return normalizeIp(bracketed[1]!);
  const withPort = /^([\d.]+):\d{1,5}$/.exec(text);
  return normalizeIp(withPort ? withPort[1]! : text);
}

function isTrusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

/** Whether the TCP peer is a proxy TRUST_PROXY believes (the nearest hop, or one on the list). */
export function trustsPeer(policy: TrustPolicy, remoteAddress: string): boolean {
  if (policy.kind === 'none') return false;
  if (policy.kind === 'hops') return true;
  const address = normalizeIp(remoteAddress);
  return address !== null && isTrusted(policy.list, address);
}

export interface ClientIpInput {
  /** The TCP peer: the only address nobody can forge. */
  remoteAddress: string;
  /** The X-Forwarded-For header, as received. */
  forwardedFor?: string | undefined;
  policy: TrustPolicy;
}

/**
 * The client's address. The chain is [...X-Forwarded-For, remoteAddress], walked from the right:
 * each trusted proxy vouches only for the hop to its left, so the walk stops at the first
 * untrusted address (or after N hops). Entries left of that are the client's to write and are
 * never read. A malformed entry stops the walk at the last valid address, so whatever a client
 * sends, the result is a real IP.
 */
export function resolveClientIp({ remoteAddress, forwardedFor, policy }: ClientIpInput): string {
  const remote = normalizeIp(remoteAddress) ?? remoteAddress;
  if (policy.kind === 'none' || !forwardedFor?.trim()) return remote;
  const chain = forwardedFor.split(',').map(parseForwardedEntry);
  let current = remote;
  // The remote address is hop 0; hops.hops trusted proxies lead back to chain[length - hops].
  const stop = policy.kind === 'hops' ? Math.max(0, chain.length - policy.hops) : 0;
  for (let i = chain.length - 1; i >= stop; i--) {
    if (policy.kind === 'list' && !isTrusted(policy.list, current)) return current;
    const next = chain[i];
    if (next === null || next === undefined) return current;
    current = next;
  }
  return current;
}
