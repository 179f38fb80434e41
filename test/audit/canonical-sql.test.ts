import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/chain-report.ts';
import { canonicalEvent } from '../../src/audit/hash-chain.ts';
import { createPostgresAuditWriter, readAuditEvents } from '../../src/audit/postgres-writer.ts';
import { type Database, migrateDatabase } from '../../src/db/database.ts';
import { canonicalJson } from '../../src/kernel/canonical-json.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';
import { DATABASE_BACKENDS } from '../helpers/database-backends.ts';

// PostgreSQL now writes each row's canonical text itself (migration 0007): any value on which it
// and canonicalEvent disagree would be a row the verifier reports as tampered with. So both are
// run on many random values, built to hit the places where they could part: escapes, key order
// (UTF-16 code units against bytes), number spelling.

/** Deterministic, so a failure replays. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Controls, JSON's escapes, U+007F, U+2028, BMP letters on both sides of U+E000, the last BMP
// code points, the replacement character, and characters beyond the BMP (surrogate pairs in JS).
const PIECES = [
  'a',
  'Z',
  '0',
  ' ',
  '"',
  '\\',
  '/',
  '\b',
  '\f',
  '\n',
  '\r',
  '\t',
  '\u0001',
  '\u001f',
  '\u007f',
  'é',
  'ß',
  '\u2028',
  '\u2029',
  '漢',
  '\uD7FF',
  '\uE000',
  '\uF8FF',
  '\uFB01',
  '\uFEFF',
  '\uFFFD',
  '\uFFFF',
  '🔐',
  '\u{10000}',
  '\u{1F600}',
  '\u{10FFFF}',
  'key',
  '__proto__',
  '1',
  '10',
  '9',
];

function randomString(next: () => number, max = 6): string {
  let text = '';
  const length = Math.floor(next() * (max + 1));
  for (let i = 0; i < length; i++) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}

/**
 * For a text column: PGlite's driver drops a leading U+FEFF from text values it reads (not from
 * JSON), so such a row reads back other than it was stored and hashed, whoever computed the text.
 */
function randomColumn(next: () => number, max: number): string {
  return randomString(next, max).replace(/^\uFEFF+/, '');
}

function randomNumber(next: () => number): number {
  const pick = Math.floor(next() * 10);
  const sign = next() < 0.3 ? -1 : 1;
  switch (pick) {
    case 0:
      return sign * Math.floor(next() * 1000);
    case 1:
      return sign * next();
    case 2:
      return sign * next() * 10 ** Math.floor(next() * 40 - 20);
    case 3:
      return sign * next() * 10 ** Math.floor(next() * 600 - 300);
    case 4:
      // Around ECMAScript's switches to exponent notation: 1e21 and 1e-7.
      return (
        sign *
        (1 + Math.floor(next() * 9)) *
        10 ** (next() < 0.5 ? 20 + Math.floor(next() * 3) : -8 + Math.floor(next() * 3))
      );
    case 5:
      return sign * (2 ** 53 + Math.floor(next() * 10));
    case 6:
      return (
        sign *
        [
          0.1,
          0.2,
          0.3,
          1 / 3,
          2 / 3,
          1e15,
          1e16,
          123456789012345680000,
          5e-324,
          1.7976931348623157e308,
        ][Math.floor(next() * 10)]!
      );
    case 7:
      return sign * Math.floor(next() * 1e17);
    case 8:
      return -0;
    default:
      return sign * Number((next() * 1e6).toFixed(Math.floor(next() * 8)));
  }
}

function randomJson(next: () => number, depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 2 ? 5 : 7));
  switch (pick) {
    case 0:
      return randomString(next);
    case 1:
      return randomNumber(next);
    case 2:
      return next() < 0.5;
    case 3:
      return null;
    case 4:
      return randomString(next, 12);
    case 5:
      return Array.from({ length: Math.floor(next() * 4) }, () => randomJson(next, depth + 1));
    default:
      return randomObject(next, depth + 1);
  }
}

function randomObject(next: () => number, depth = 0): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const size = Math.floor(next() * 6);
  for (let i = 0; i < size; i++) {
    Object.defineProperty(object, randomString(next, 4), {
      value: randomJson(next, depth),
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return object;
}

describe.each(DATABASE_BACKENDS)('canonical text in SQL and in JS over $name', (backend) => {
  describe.skipIf(!backend.available)('agree', () => {
    let database: Database;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      ({ database, drop } = await backend.open());
      await migrateDatabase(database);
    });

    afterAll(async () => {
      await database?.close();
      await drop?.();
    });

    it('on 3,000 random JSON values, read back as the verifier reads them', async () => {
      const next = prng(20261203);
      const values = Array.from({ length: 3_000 }, () => randomJson(next));
      const result = await database.db.execute<{ value: unknown; text: string }>(
        sql`select value, tessera_canonical_json(value) as text
            from jsonb_array_elements(${JSON.stringify(values)}::jsonb) with ordinality as t(value, n)
            order by n`,
      );
      expect(result.rows).toHaveLength(values.length);
      const disagreements = result.rows
        .filter((row) => row.text !== canonicalJson(row.value))
        .map((row) => ({ sql: row.text, js: canonicalJson(row.value) }));
      expect(disagreements.slice(0, 5)).toEqual([]);
    });

    it('on 600 random events appended by the writer: every hash verifies, in JS and in SQL', async () => {
      const next = prng(7);
      const writer = createPostgresAuditWriter(database);
      try {
        for (let batch = 0; batch < 6; batch++) {
          await writer.append(
            Array.from({ length: 100 }, () =>
              makeAuditEvent({
                appId: 'app_fuzz',
                verificationId: next() < 0.2 ? null : randomColumn(next, 10),
                userAgent: next() < 0.2 ? null : randomColumn(next, 20),
                reason: next() < 0.5 ? null : randomColumn(next, 8),
                detail: randomObject(next),
              }),
            ),
          );
        }
      } finally {
        await writer.close();
      }
      const rows = await readAuditEvents(database, 'app_fuzz', { limit: 1_000 });
      expect(rows).toHaveLength(600);
      const texts = await database.db.execute<{ id: string; text: string }>(
        sql`select id, tessera_audit_canonical(a) as text from audit_events a where app_id = 'app_fuzz' order by seq`,
      );
      expect(texts.rows.map((row) => row.text)).toEqual(rows.map((row) => canonicalEvent(row)));
      expect(await verifyAuditChain(database)).toMatchObject({ ok: true, checked: 600 });
    });
  });
});
