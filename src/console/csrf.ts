import { createHash, timingSafeEqual } from 'node:crypto';

/** Whether two tokens are equal, in time that does not depend on where they differ. */
export function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export interface RequestOrigin {
  /** The Origin header, if the browser sent one. */
  origin: string | undefined;
  /** The Sec-Fetch-Site header (Fetch Metadata), if the browser sent one. */
  fetchSite: string | undefined;
  /** The host and port the browser addressed (the request URL's, made from its Host header). */
  host: string;
  /** PUBLIC_URL's origin, which a proxy in front may present instead of the Host it forwards. */
  publicOrigin: string | null;
}

/**
 * Why a state-changing request must be refused as cross-site, or null. Defence in depth next to the
 * tokens (OWASP CSRF Prevention Cheat Sheet, "Fetch Metadata" and "Verifying Origin"): a browser
 * that sends Sec-Fetch-Site must say same-origin (same-site is not enough: another port or a sibling
 * subdomain is same-site), and an Origin it sends must be ours. A client that sends neither (curl,
 * an old browser) is judged by the tokens alone.
 */
export function crossSiteRefusal(request: RequestOrigin): string | null {
  if (request.fetchSite !== undefined && request.fetchSite !== 'same-origin') {
    return `Sec-Fetch-Site is ${request.fetchSite}`;
  }
  if (request.origin === undefined) return null;
  let host: string;
  let origin: string;
  try {
    const url = new URL(request.origin);
    host = url.host;
    origin = url.origin;
  } catch {
    return 'the Origin header is not an origin';
  }
  if (origin === request.publicOrigin) return null;
  return host === request.host.toLowerCase() ? null : `Origin ${origin} is not this server`;
}
