import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Paging cursors of the audit search: the `seq` of the last row of a page, signed. `seq` is the
 * chain order (assigned under the chain lock, so it only grows as rows are appended), which makes
 * the keyset stable: a row appended while a client pages is newer than every cursor taken so far
 * and never shifts a page. The signature binds the cursor to its app and to the filters and order
 * it was made for, so a client cannot forge a position, reuse another app's cursor or carry a
 * cursor over to another search.
 */
export interface AuditCursorCodec {
  encode(scope: string, afterSeq: number): string;
  /** The seq the cursor points after, or null when it is forged, altered or for another scope. */
  decode(scope: string, cursor: string): number | null;
}

const VERSION = 'c1';

export function createAuditCursorCodec(key: Buffer): AuditCursorCodec {
  const sign = (scope: string, body: string) =>
    createHmac('sha256', key).update(`${scope}\n${body}`).digest();
  return {
    encode(scope, afterSeq) {
      const body = `${VERSION}.${afterSeq.toString(36)}`;
      return `${body}.${sign(scope, body).toString('base64url')}`;
    },
    decode(scope, cursor) {
      const parts = cursor.split('.');
      if (parts.length !== 3 || parts[0] !== VERSION) return null;
      const [version, position, mac] = parts as [string, string, string];
      const body = `${version}.${position}`;
      const expected = sign(scope, body);
      const given = Buffer.from(mac, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      if (!/^[0-9a-z]{1,11}$/.test(position)) return null;
      const seq = Number.parseInt(position, 36);
      return Number.isSafeInteger(seq) ? seq : null;
    },
  };
}
