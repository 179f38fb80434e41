import { canonicalJson } from '../kernel/canonical-json.ts';
import { constantTimeEqual, hmacHex } from '../kernel/crypto/hmac.ts';
import type { LeadFilters, LeadPosition } from './store.ts';

/**
 * Keyset cursors for GET /v1/leads: the position of the last lead of a page, authenticated with an
 * HMAC over the app, the filters and the position. A client can neither forge a position nor
 * reuse a cursor under other filters or another app's key (it would read rows it did not ask for).
 */
export function encodeCursor(
  key: Buffer,
  appId: string,
  filters: LeadFilters,
  position: LeadPosition,
): string {
  const body = Buffer.from(
    JSON.stringify({ t: position.createdAt.getTime(), i: position.id }),
  ).toString('base64url');
  return `${body}.${sign(key, appId, filters, body)}`;
}

/** The position a cursor carries, or null when it is malformed or not this app's and filters'. */
export function decodeCursor(
  key: Buffer,
  appId: string,
  filters: LeadFilters,
  cursor: string,
): LeadPosition | null {
  const [body, tag, ...rest] = cursor.split('.');
  if (!body || !tag || rest.length > 0) return null;
  if (!constantTimeEqual(tag, sign(key, appId, filters, body))) return null;
  try {
    const { t, i } = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as {
      t: unknown;
      i: unknown;
    };
    if (typeof t !== 'number' || !Number.isSafeInteger(t) || typeof i !== 'string') return null;
    return { createdAt: new Date(t), id: i };
  } catch {
    return null;
  }
}

function sign(key: Buffer, appId: string, filters: LeadFilters, body: string): string {
  const scope = canonicalJson({
    app: appId,
    status: filters.status ?? null,
    source: filters.source ?? null,
    since: filters.since?.toISOString() ?? null,
    until: filters.until?.toISOString() ?? null,
  });
  // 128 bits of the HMAC-SHA-256 are plenty against forgery and keep the cursor short.
  return hmacHex(key, `${scope}\n${body}`).slice(0, 32);
}
