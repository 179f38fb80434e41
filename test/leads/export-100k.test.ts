import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRecord } from '../../src/access/index.ts';
import type { AuditEvent, AuditTrail } from '../../src/audit/index.ts';
import { type Database, migrateDatabase } from '../../src/db/database.ts';
import { EXPORT_BATCH, exportLeads } from '../../src/leads/export-leads.ts';
import { createPostgresLeadStore } from '../../src/leads/postgres-lead-store.ts';
import type { LeadStore } from '../../src/leads/store.ts';
import { DATABASE_BACKENDS } from '../helpers/database-backends.ts';

const LEADS = 100_000;
const APP = 'app_export';

describe.each(DATABASE_BACKENDS)('export of 100,000 leads, streamed ($name)', (backend) => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    if (!backend.available) return;
    ({ database, drop } = await backend.open());
    await migrateDatabase(database);
    await database.db.execute(sql`insert into apps (id, name) values (${APP}, 'export')`);
    // Millisecond timestamps, as the service writes them (the cursor carries milliseconds).
    // Every tenth lead carries a formula-like source, every seventh a comma and a quote.
    await database.db.execute(sql`
      insert into leads (id, app_id, status, phone_hmac, phone_masked, phone_sealed, country,
                         source, form, created_at, last_contact_at, verified_at)
      select 'lead_' || lpad(i::text, 22, '0'), ${APP},
             case when i % 3 = 0 then 'verified' else 'unverified' end,
             md5(i::text), '+33 6•• •• •• ' || lpad((i % 100)::text, 2, '0'), 'sealed', 'FR',
             case when i % 10 = 0 then '=cmd|'' /C calc''!A0' else 'seed' end,
             case when i % 7 = 0 then 'form, "quoted"' else 'f' end,
             timestamptz '2026-01-01' + (i / 4) * interval '1 millisecond',
             timestamptz '2026-01-01', null
      from generate_series(1, ${LEADS}) as i`);
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });
  const test = backend.available ? it : it.skip;

  test('every lead once, re-parsed; formulas neutralised; read one batch at a time', async () => {
    const real = createPostgresLeadStore(database);
    let pagesRead = 0;
    const store: LeadStore = {
      ...real,
      page: (...args) => {
        pagesRead++;
        return real.page(...args);
      },
    };
    const events: AuditEvent[] = [];
    const audit: AuditTrail = {
      commit: async (e) => void events.push(...e),
      commitOrSpool: async (e) => void events.push(...e),
    };
    // These leads asked for no consent (consent views: test/leads/leads.test.ts); what counts here
    // is that a batch's consent is one read, not one per lead.
    let consentReads = 0;
    const consentsOf = async (batch: readonly unknown[]) => {
      consentReads++;
      return batch.map(() => null);
    };
    const stream = exportLeads(
      { clock: { now: () => Date.parse('2026-06-01') }, store, audit, consentsOf },
      {
        actor: { app: { id: APP } as AppRecord, client: { ip: null, userAgent: null } },
        filters: {},
        format: 'csv',
      },
    );
    const reader = stream
      .pipeThrough(new TextDecoderStream() as TransformStream<Uint8Array, string>)
      .getReader();
    const ids = new Set<string>();
    let header: string[] | null = null;
    let rest = '';
    let formulas = 0;
    let first = true;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (first) {
        // Nothing is read ahead of the client: one query for the first chunk.
        expect(pagesRead).toBe(1);
        first = false;
      }
      rest += value;
      const lines = rest.split('\r\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const cells = parseCsvLine(line);
        if (!header) {
          header = cells;
          continue;
        }
        expect(cells).toHaveLength(header.length);
        ids.add(cells[0] as string);
        const source = cells[header.indexOf('source')] as string;
        if (source.startsWith("'=")) formulas++;
        expect(source.startsWith('=')).toBe(false);
      }
      // At most one batch is held by the reader between reads.
      expect(pagesRead).toBeLessThanOrEqual(Math.ceil(ids.size / EXPORT_BATCH) + 1);
    }
    expect(rest).toBe('');
    expect(ids.size).toBe(LEADS);
    expect(formulas).toBe(LEADS / 10);
    expect(consentReads).toBe(pagesRead);
    expect(events.map((e) => [e.type, e.detail.rows])).toEqual([['lead.exported', LEADS]]);
  }, 300_000);
});

/** RFC 4180 fields of one record (no line breaks inside quotes in this data). */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 2;
          break;
        }
      }
      cells.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma === -1 ? line.length : comma;
      cells.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return cells;
}
