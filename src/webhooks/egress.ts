import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { type EgressPolicy, judgeAddresses, judgeUrl } from './egress-policy.ts';

/** Every address a host name has (an IP literal is its own). */
export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => {
  if (isIP(host)) return [host];
  const found = await dnsLookup(host, { all: true, verbatim: true });
  return found.map((entry) => entry.address);
};

export type Destination = { ok: true; url: URL; address: string } | { ok: false; reason: string };

/**
 * Where a URL may be delivered to now: its rules, then its name resolved and every address judged.
 * Run at registration and again before each attempt, since DNS can change in between.
 */
export async function resolveDestination(
  text: string,
  policy: EgressPolicy,
  resolve: Resolver,
): Promise<Destination> {
  const verdict = judgeUrl(text, policy);
  if (!verdict.ok) return verdict;
  let addresses: string[];
  try {
    addresses = await resolve(verdict.host);
  } catch {
    return { ok: false, reason: 'does not resolve' };
  }
  const judged = judgeAddresses(verdict.url, addresses, policy);
  return judged.allowed
    ? { ok: true, url: verdict.url, address: judged.address }
    : { ok: false, reason: judged.reason };
}

export interface PostResult {
  /** The HTTP status, or null when no answer came (refused, unreachable, timed out). */
  status: number | null;
  error: string | null;
}

/** How long one attempt may take, connection to last byte (Standard Webhooks suggests seconds). */
const ATTEMPT_TIMEOUT_MS = 15_000;
/** What is read of an answer: nothing is kept, but the socket is drained. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs the body to the destination's address only: the connection is pinned to the address that
 * was judged (a lookup that answers it and nothing else), so a name that resolves elsewhere a
 * moment later (DNS rebinding) is never connected to. TLS still checks the certificate against the
 * host name. Redirects are not followed: a 3xx is a failed attempt.
 */
export function postPinned(
  destination: { url: URL; address: string },
  headers: Record<string, string>,
  body: string,
): Promise<PostResult> {
  const { url, address } = destination;
  const family = isIP(address);
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        lookup: pinned,
        agent: false,
        timeout: ATTEMPT_TIMEOUT_MS,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Tessera-Webhooks/1',
        },
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) response.destroy();
        });
        const done = () => resolve({ status: response.statusCode ?? null, error: null });
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) => resolve({ status: null, error: error.message }));
    request.end(body);
  });
}
