import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvent, systemActor } from '../../src/audit/index.ts';
import {
  createPostgresAuditQueries,
  createPostgresAuditWriter,
  type PostgresAuditWriter,
} from '../../src/audit/postgres-writer.ts';
import { type Database, migrateDatabase } from '../../src/db/database.ts';
import { systemClock } from '../../src/kernel/clock.ts';
import { createPhoneProtector } from '../../src/kernel/crypto/phone-protector.ts';
import type { SubjectHmacs } from '../../src/kernel/crypto/subject-hmacs.ts';
import { maskPhone } from '../../src/kernel/phone.ts';
import { createInboundReplies } from '../../src/sms/receipts/inbound-replies.ts';
import { INBOUND_KEYWORDS, recordInbound } from '../../src/sms/receipts/record-inbound.ts';
import { wire as wireSubjects } from '../../src/subjects/index.ts';
import { DATABASE_BACKENDS } from '../helpers/database-backends.ts';

const FROM = '+33612345679';

/**
 * A user who answers the code SMS with the code itself must not put a live code into the
 * append-only trail: only a word of a closed list is stored, anything else is `other`.
 */
describe.each(DATABASE_BACKENDS)('an inbound reply stores no free text: $name', (backend) => {
  let database: Database;
  let drop: () => Promise<void>;
  let writer: PostgresAuditWriter;
  const phones = createPhoneProtector({
    phoneHmacKey: randomBytes(32),
    phoneEncryptionKey: randomBytes(32),
  });
  let subjectHmacs: SubjectHmacs;
  const deps = () => ({
    audit: { commit: writer.append, commitOrSpool: writer.append },
    subjects: subjectHmacs,
    clock: { now: () => Date.now() },
    queries: createPostgresAuditQueries(database),
    replies: createInboundReplies(),
    routeApps: new Map<string, string>(),
  });

  beforeAll(async () => {
    if (!backend.available) return;
    ({ database, drop } = await backend.open());
    await migrateDatabase(database);
    writer = createPostgresAuditWriter(database);
    subjectHmacs = wireSubjects({
      database,
      clock: systemClock,
      phones,
      keys: { subjectKeyWrap: randomBytes(32) },
    }).hmacs;
    // The app sent an SMS to the number, so a reply from it concerns that app.
    const hmac = await subjectHmacs.hmac('app_inbound', FROM);
    await writer.append([
      auditEvent(
        systemActor('app_inbound'),
        'sms.sent',
        { phone: { masked: maskPhone(FROM), hmac }, outcome: 'ok' },
        Date.now(),
      ),
    ]);
  });

  afterAll(async () => {
    await writer?.close();
    await database?.close();
    await drop?.();
  });

  const test = backend.available ? it : it.skip;

  /** Every column of every sms.inbound row, as text, so nothing can hide in a field. */
  async function inboundRows(): Promise<
    { text: string; reason: string | null; keyword: unknown }[]
  > {
    const { rows } = await database.db.execute<{
      reason: string | null;
      detail: { keyword?: unknown };
      dump: string;
    }>(
      sql`select reason, detail, row_to_json(audit_events)::text as dump
            from audit_events where type = 'sms.inbound' order by seq`,
    );
    return rows.map((row) => ({ text: row.dump, reason: row.reason, keyword: row.detail.keyword }));
  }

  async function replyAndRead(text: string) {
    const before = (await inboundRows()).length;
    expect(await recordInbound(deps(), { route: 'web', from: FROM, text })).toEqual({ apps: 1 });
    const rows = await inboundRows();
    expect(rows).toHaveLength(before + 1);
    return rows.at(-1) as (typeof rows)[number];
  }

  test.each([
    ['the code alone', '123456', ['123456']],
    ['the code in a sentence', 'My code is 482913', ['482913']],
    ['the code glued to a keyword', 'STOP482913', ['482913']],
    ['a word that is not on the list', 'Bonjour 77553311', ['77553311', 'BONJOUR', 'Bonjour']],
  ])(
    '%s is stored as `other`, and no digit of it is in the trail',
    async (_name, text, secrets) => {
      const row = await replyAndRead(text);
      expect(row.keyword).toBe('other');
      expect(row.reason).toBeNull();
      const { rows } = await database.db.execute<{ dump: string }>(
        sql`select row_to_json(audit_events)::text as dump from audit_events`,
      );
      for (const secret of secrets)
        for (const { dump } of rows) expect(dump.toUpperCase()).not.toContain(secret.toUpperCase());
    },
  );

  test.each([
    ['stop', 'STOP', 'opt_out'],
    ['  Stop.  ', 'STOP', 'opt_out'],
    ['ARRÊT svp', 'ARRET', 'opt_out'],
    ['arret', 'ARRET', 'opt_out'],
    ['Désinscrire', 'DESINSCRIRE', 'opt_out'],
    ['UNSUBSCRIBE me', 'UNSUBSCRIBE', 'opt_out'],
    ['help', 'HELP', null],
    ['aide', 'AIDE', null],
    ['START', 'START', null],
  ])('%j is stored as %s, reason %s', async (text, keyword, reason) => {
    const row = await replyAndRead(text);
    expect(row.keyword).toBe(keyword);
    expect(row.reason).toBe(reason);
  });

  test('the match is on the whole first word, not a prefix or a later word', async () => {
    for (const text of ['STOPPED', 'Please stop', 'HELPFUL', 'stop123'])
      expect((await replyAndRead(text)).keyword, text).toBe('other');
  });

  test('the stored keyword is always one of the closed list, or `other`', async () => {
    const allowed = new Set<unknown>([...INBOUND_KEYWORDS.keys(), 'other']);
    for (const row of await inboundRows()) expect(allowed.has(row.keyword), row.text).toBe(true);
  });
});
