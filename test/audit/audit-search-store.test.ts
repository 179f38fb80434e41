import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditCursorCodec } from '../../src/audit/audit-cursor.ts';
import { EXPORT_BATCH, exportAuditEvents } from '../../src/audit/audit-export.ts';
import { NO_FILTER } from '../../src/audit/audit-filter.ts';
import {
  type AuditSearchDeps,
  searchAuditEvents,
  verificationTimeline,
} from '../../src/audit/audit-search.ts';
import { type AuditEventJson, toAuditEventJson } from '../../src/audit/event-json.ts';
import { CSV_COLUMNS, exportBody } from '../../src/audit/export-format.ts';
import { createPostgresAuditSearchStore } from '../../src/audit/postgres-audit-search.ts';
import {
  createPostgresAuditWriter,
  type PostgresAuditWriter,
} from '../../src/audit/postgres-writer.ts';
import { type Database, migrateDatabase } from '../../src/db/database.ts';
import { deriveKeys } from '../../src/kernel/crypto/derive-keys.ts';
import { createPhoneProtector } from '../../src/kernel/crypto/phone-protector.ts';
import { csvCell as kernelCsvCell } from '../../src/kernel/csv.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';
import { FORMULA_CELLS, parseCsv, seedAuditRows } from '../helpers/audit-seed.ts';
import { DATABASE_BACKENDS } from '../helpers/database-backends.ts';

const BIG = 100_000;

/** Reads a stream to its end, as text. */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

// The audit export's cells: every one quoted (README, Export to a SIEM).
const csvCell = (value: string | number | null) => kernelCsvCell(value, 'always');

describe('CSV cells (OWASP, CSV Injection)', () => {
  it.each(FORMULA_CELLS)('a formula start gets a leading quote: %j', (cell) => {
    expect(csvCell(cell)).toBe(`"'${cell.replaceAll('"', '""')}"`);
  });
  it('other text is only quoted, null is an empty cell', () => {
    expect(csvCell('Mozilla/5.0 "x", y')).toBe('"Mozilla/5.0 ""x"", y"');
    expect(csvCell(12)).toBe('"12"');
    expect(csvCell('')).toBe('""');
    expect(csvCell(null)).toBe('');
  });
});

describe.each(DATABASE_BACKENDS)('audit search and export on $name', (backend) => {
  let database: Database;
  let drop: () => Promise<void>;
  let writer: PostgresAuditWriter;
  let deps: AuditSearchDeps;
  let finds = 0;
  beforeAll(async () => {
    if (!backend.available) return;
    ({ database, drop } = await backend.open());
    await migrateDatabase(database);
    writer = createPostgresAuditWriter(database);
    const keys = deriveKeys(randomBytes(32));
    const store = createPostgresAuditSearchStore(database);
    // Rows here are written with the app's HMAC, as before subject keys: the search finds those too.
    const phones = createPhoneProtector(keys);
    deps = {
      // Counts the reads, to see that an export reads only what its client takes.
      store: {
        ...store,
        findLines: (query) => {
          finds++;
          return store.findLines(query);
        },
      },
      phones: {
        lookupHmacs: async (appId, e164) => phones.lookupHmacs(appId, e164),
      },
      cursors: createAuditCursorCodec(keys.auditCursorKey),
    };
  }, 120_000);
  afterAll(async () => {
    await writer?.close();
    await database?.close();
    await drop?.();
  });
  const test = backend.available ? it : it.skip;

  test('paging while a writer appends: every row seen once, none repeated, both orders', async () => {
    const appId = 'app_paging';
    const tagged = (tag: string, count: number) =>
      Array.from({ length: count }, (_, n) =>
        makeAuditEvent({ appId, detail: { tag: `${tag}-${n}` } }),
      );
    await writer.append(tagged('before', 60));
    const expected = new Set<string>();
    const pageAll = async (order: 'asc' | 'desc') => {
      const seen: AuditEventJson['id'][] = [];
      let cursor: string | undefined;
      let appended = 0;
      for (;;) {
        // Appends race the page read, and more land between pages.
        const racing = writer.append(tagged(`${order}-race-${appended}`, 3));
        const page = await searchAuditEvents(deps, appId, { limit: '7', order, cursor });
        await racing;
        appended++;
        seen.push(...page.events.map((event) => event.id));
        if (!page.nextCursor) return seen;
        cursor = page.nextCursor;
      }
    };
    const all = async () =>
      (await searchAuditEvents(deps, appId, { limit: '1000', order: 'asc' })).events.map(
        (e) => e.id,
      );
    for (const id of await all()) expected.add(id);

    const newestFirst = await pageAll('desc');
    expect(new Set(newestFirst).size).toBe(newestFirst.length);
    // Every row that was there when paging started; rows appended since are newer than the
    // first page and belong to the next search.
    for (const id of expected) expect(newestFirst).toContain(id);

    const oldestFirst = await pageAll('asc');
    expect(new Set(oldestFirst).size).toBe(oldestFirst.length);
    // Oldest first, the appended rows come on later pages: at the end, all rows but those
    // appended during the last page read are there, in the table's order.
    const now = await all();
    expect(oldestFirst).toEqual(now.slice(0, oldestFirst.length));
    expect(now.length - oldestFirst.length).toBeLessThanOrEqual(3);
  });

  test('a timeline pairs each SMS with its receipt by route and provider message id', async () => {
    const appId = 'app_timeline';
    const verificationId = 'ver_TimelineTimelineTimeli';
    const at = (type: Parameters<typeof makeAuditEvent>[0]) =>
      makeAuditEvent({ appId, verificationId, ...type });
    await writer.append([
      at({ type: 'verification.created' }),
      at({ type: 'sms.sent', detail: { route: 'r1', provider_message_id: 'm-1', segments: 1 } }),
      at({ type: 'verification.resent' }),
      at({ type: 'sms.sent', detail: { route: 'r2', provider_message_id: 'm-2', segments: 2 } }),
      at({
        type: 'sms.undelivered',
        outcome: 'failed',
        reason: 'absent_subscriber',
        detail: { route: 'r1', provider_message_id: 'm-1', status: 'undelivered' },
      }),
      at({
        type: 'sms.delivered',
        detail: { route: 'r2', provider_message_id: 'm-2', status: 'delivered' },
      }),
      at({ type: 'check.approved' }),
    ]);
    const timeline = await verificationTimeline(deps, appId, verificationId);
    expect(timeline.events.map((e) => e.type)).toEqual([
      'verification.created',
      'sms.sent',
      'verification.resent',
      'sms.sent',
      'sms.undelivered',
      'sms.delivered',
      'check.approved',
    ]);
    expect(
      timeline.messages.map((m) => [m.route, m.providerMessageId, m.segments, m.receipt]),
    ).toEqual([
      [
        'r1',
        'm-1',
        1,
        expect.objectContaining({
          delivered: false,
          status: 'undelivered',
          reason: 'absent_subscriber',
        }),
      ],
      ['r2', 'm-2', 2, expect.objectContaining({ delivered: true, status: 'delivered' })],
    ]);
    await expect(verificationTimeline(deps, 'app_other', verificationId)).rejects.toMatchObject({
      code: 'verification_not_found',
    });
  });

  test('an ndjson line built by the database reads as the API JSON of its row', async () => {
    const appId = 'app_lines';
    const awkward = [
      'quote " backslash \\ slash / tab \t newline \n cr \r nul-ish \u0001 \u001f del \u007f',
      'é ü 漢字 emoji 🙂 line-sep \u2028 para-sep \u2029 bom \ufeff',
      ...FORMULA_CELLS,
      '',
    ];
    await writer.append(
      awkward.map((text, n) =>
        makeAuditEvent({
          appId,
          userAgent: text,
          purpose: n % 2 ? text : null,
          reason: n % 3 ? null : text,
          phoneMasked: n % 2 ? null : text,
          clientIp: n % 2 ? '2001:db8::1' : null,
          detail: {
            text,
            n: n * 1.5,
            big: 2 ** 53 - 1,
            small: -0.000_001,
            nested: { list: [null, true, false, text], '10': 'integer-like key' },
          },
          createdAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, n)),
        }),
      ),
    );
    // A time with microseconds (a row not written through the app): both read its milliseconds.
    await database.db.execute(
      sql`insert into audit_events (id, app_id, type, outcome, detail, created_at, prev_hash, hash)
          values ('evt_lines_micro', ${appId}, 'pumping.trip', 'ok', '{}',
                  '2026-05-06 07:08:09.123987+00', ${'0'.repeat(64)}, ${'f'.repeat(64)})`,
    );
    for (const order of ['asc', 'desc'] as const) {
      const query = {
        appId,
        filter: NO_FILTER,
        order,
        afterSeq: null,
        throughSeq: null,
        limit: 100,
      };
      const [records, lines] = await Promise.all([
        deps.store.find(query),
        deps.store.findLines(query),
      ]);
      expect(records).toHaveLength(awkward.length + 1);
      expect(lines.map((line) => line.seq)).toEqual(records.map((record) => record.seq));
      lines.forEach(({ line }, n) => {
        const expected = toAuditEventJson(records[n]!);
        const parsed = JSON.parse(line);
        expect(parsed).toStrictEqual(JSON.parse(JSON.stringify(expected)));
        expect(Object.keys(parsed)).toEqual(Object.keys(expected));
        expect(line).not.toMatch(/[\n\r]/);
      });
    }
  });

  describe(`an export of ${BIG} rows`, () => {
    const appId = 'app_export';
    beforeAll(async () => {
      if (!backend.available) return;
      await seedAuditRows(database, appId, BIG);
      await seedAuditRows(database, 'app_export_other', 50);
    }, 300_000);

    test('as NDJSON: every row once, newest first, then a trailer that vouches for them', async () => {
      const text = await readAll(exportBody(await exportAuditEvents(deps, appId, {}, 'ndjson')));
      const lines = text.split('\n');
      expect(lines.pop()).toBe('');
      const trailerLine = lines.pop()!;
      const trailer = JSON.parse(trailerLine);
      expect(trailer).toMatchObject({ type: 'export.complete', rows: BIG });
      const body = text.slice(0, text.length - trailerLine.length - 1);
      expect(trailer.sha256).toBe(createHash('sha256').update(body).digest('hex'));
      expect(lines).toHaveLength(BIG);
      const events = lines.map((line) => JSON.parse(line) as AuditEventJson);
      expect(new Set(events.map((e) => e.app_id))).toEqual(new Set([appId]));
      expect(new Set(events.map((e) => e.id)).size).toBe(BIG);
      const seqs = events.map((e) => e.seq);
      expect(seqs.every((seq, i) => i === 0 || seq < seqs[i - 1]!)).toBe(true);
      expect(trailer.through_seq).toBe(seqs[0]);
    }, 300_000);

    test('as CSV: formula cells neutralised, every row re-parsed, the trailer last', async () => {
      const text = await readAll(
        exportBody(
          await exportAuditEvents(
            deps,
            appId,
            { order: 'asc', type: ['verification.created', 'check.wrong'] },
            'csv',
          ),
        ),
      );
      const rows = parseCsv(text);
      expect(rows[0]).toEqual([...CSV_COLUMNS]);
      const trailer = rows.pop()!;
      expect(trailer[0]).toBe('#export.complete');
      expect(trailer[1]).toBe(`rows=${BIG / 2}`);
      const body = text.slice(0, text.lastIndexOf('#export.complete'));
      expect(trailer[3]).toBe(`sha256=${createHash('sha256').update(body).digest('hex')}`);
      const records = rows.slice(1);
      expect(records).toHaveLength(BIG / 2);
      const column = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
      expect(new Set(records.map((r) => r[column('type')]))).toEqual(
        new Set(['verification.created', 'check.wrong']),
      );
      expect(records.filter((record) => record.length !== CSV_COLUMNS.length)).toEqual([]);
      // No cell may start what a spreadsheet runs; phone_masked (+33…) is neutralised too.
      expect(records.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
      expect(new Set(records.map((record) => record[column('reason')]))).toEqual(new Set(['']));
      const agents = new Set(records.map((r) => r[column('user_agent')]));
      for (const cell of FORMULA_CELLS) {
        expect(agents).toContain(`'${cell}, "quoted"\nnext`);
      }
      const detail = JSON.parse(
        records.find((r) => r[column('detail')]!.includes('note'))![column('detail')]!,
      );
      expect(FORMULA_CELLS).toContain(detail.note);
    }, 300_000);

    test('reads one batch ahead of the client, no more, and a client that leaves stops it', async () => {
      const before = finds;
      const reader = exportBody(await exportAuditEvents(deps, appId, {}, 'ndjson')).getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      expect(new TextDecoder().decode(first.value).split('\n')).toHaveLength(EXPORT_BATCH + 1);
      // The chunk taken and the next batch, read while the client holds this one; a client that
      // does not come back gets nothing more read: memory stays at two batches.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(finds - before).toBe(2);
      await reader.cancel();
      const after = finds;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(finds).toBe(after);
    });

    test('rows appended during an export are left for the next one', async () => {
      const data = await exportAuditEvents(deps, appId, { order: 'asc' }, 'ndjson');
      await writer.append([makeAuditEvent({ appId, type: 'pumping.trip' })]);
      const text = await readAll(exportBody(data));
      expect(text).not.toContain('pumping.trip');
      expect(text.trimEnd().split('\n').pop()).toContain(`"rows":${BIG}`);
    }, 300_000);
  });
});
