/**
 * Where providers call back with receipts, written once: the URL each route's provider is given,
 * the path the receipt routes serve, and the URL Twilio's signature covers are the same address.
 */

/** The receipts callback of an SMS route, as OpenAPI writes it: `{route}` is the route's name. */
export const RECEIPTS_PATH = '/v1/providers/{route}/receipts';

/**
 * The route's receipts URL with its secret, when there is a PUBLIC_URL and a secret; otherwise no
 * HTTP callback is asked for. Route names are `[a-z0-9_-]`, so the name needs no escaping.
 */
export function receiptCallbackUrl(
  publicUrl: string | undefined,
  route: { name: string; receiptSecret?: string | undefined },
): string | undefined {
  if (!publicUrl || !route.receiptSecret) return undefined;
  const path = RECEIPTS_PATH.replace('{route}', route.name);
  return `${atPublicUrl(publicUrl, path)}?secret=${encodeURIComponent(route.receiptSecret)}`;
}

/**
 * The URL the provider called, which is what Twilio signs: PUBLIC_URL's origin (behind a proxy
 * this server sees another) with the path and query as they came; without PUBLIC_URL, the
 * request's own URL.
 */
export function calledReceiptUrl(requestUrl: string, publicUrl: string | undefined): string {
  if (!publicUrl) return requestUrl;
  const { pathname, search } = new URL(requestUrl);
  return atPublicUrl(publicUrl, `${pathname}${search}`);
}

/** PUBLIC_URL may end with a slash; the path always starts with one. */
function atPublicUrl(publicUrl: string, pathAndQuery: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${pathAndQuery}`;
}
