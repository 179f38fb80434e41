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
 * subdomain is same-site), and an Origin it sends must be ours. Under `Referrer-Policy: no-referrer`
 * Chromium sends `Origin: null` even for our own forms, so `null` is believed only next to a
 * same-origin Sec-Fetch-Site. A client that sends neither header (curl) is judged by the tokens
 * alone.
 */
export function crossSiteRefusal(request: RequestOrigin): string | null {
  const { fetchSite } = request;
  if (fetchSite !== undefined && fetchSite !== 'same-origin')
    return `Sec-Fetch-Site is ${fetchSite}`;
  if (request.origin === undefined) return null;
  if (request.origin === 'null') {
    return fetchSite === 'same-origin' ? null : 'Origin is null and Sec-Fetch-Site is missing';
  }
  let url: URL;
  try {
    url = new URL(request.origin);
  } catch {
    return 'the Origin header is not an origin';
  }
  if (url.origin === request.publicOrigin) return null;
  return url.host === request.host.toLowerCase() ? null : `Origin ${url.origin} is not this server`;
}
