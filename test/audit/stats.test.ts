import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditAppendStatement,
  createPostgresAuditWriter,
  type PostgresAuditWriter,
} from '../../src/audit/postgres-writer.ts';
import {
  type AuditStats,
  parseStatsQuery,
  STATS_GROUPS,
  type StatsGroupBy,
} from '../../src/audit/stats.ts';
import { createPostgresStatsReader } from '../../src/audit/stats-query.ts';
import type { AuditEvent, AuditEventType } from '../../src/audit/types.ts';
import { type Database, migrateDatabase } from '../../src/db/database.ts';
import { newId } from '../../src/kernel/ids.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';
import { DATABASE_BACKENDS } from '../helpers/database-backends.ts';

const HOUR = 3_600_000;

/** A verification's events, as the service writes them: only the created row names the country. */
function verificationEvents(
  appId: string,
  options: {
    country: string;
    purpose: string;
    routes: string[];
    delivered?: boolean;
    approved?: boolean;
    wrong?: number;
  },
): AuditEvent[] {
  const verificationId = newId('ver');
  const event = (type: AuditEventType, fields: Partial<AuditEvent> = {}) =>
    makeAuditEvent({ appId, type, verificationId, purpose: options.purpose, ...fields });
  const events = [event('verification.created', { detail: { country: options.country } })];
  for (const route of options.routes) {
    events.push(
      event('sms.sent', { detail: { route, provider_message_id: randomBytes(8).toString('hex') } }),
    );
  }
  const lastRoute = options.routes.at(-1) ?? 'none';
  if (options.delivered === true) {
    events.push(event('sms.delivered', { detail: { route: lastRoute, status: 'DELIVRD' } }));
  } else if (options.delivered === false) {
    events.push(
      event('sms.undelivered', {
        outcome: 'failed',
        reason: 'UNDELIV',
        detail: { route: lastRoute, status: 'UNDELIV' },
      }),
    );
  }
  for (let i = 0; i < (options.wrong ?? 0); i++) {
    events.push(event('check.wrong', { outcome: 'wrong' }));
  }
  if (options.approved) events.push(event('check.approved'));
  return events;
}

/** A refusal before any SMS: no verification, the country in detail. */
function refusal(
  appId: string,
  type: 'limit.hit' | 'verification.refused' | 'pumping.trip',
  reason: string,
  country: string,
): AuditEvent {
  return makeAuditEvent({
    appId,
    type,
    verificationId: null,
    purpose: 'signup',
    outcome: 'refused',
    reason,
    detail: { country },
  });
}

/** A mixed day of one app: three countries, two routes, every counted type and some that are not. */
function seededMix(appId: string): AuditEvent[][] {
  return [
    verificationEvents(appId, {
      country: 'FR',
      purpose: 'login',
      routes: ['smpp-a'],
      delivered: true,
      approved: true,
    }),
    verificationEvents(appId, {
      country: 'FR',
      purpose: 'login',
      routes: ['smpp-a', 'http-b'],
      delivered: true,
      approved: true,
      wrong: 2,
    }),
    verificationEvents(appId, {
      country: 'BE',
      purpose: 'signup',
      routes: ['http-b'],
      delivered: false,
    }),
    verificationEvents(appId, { country: 'DE', purpose: 'login', routes: ['smpp-a'] }),
    verificationEvents(appId, { country: 'DE', purpose: 'signup', routes: [], approved: false }),
    [
      makeAuditEvent({
        appId,
        type: 'sms.failed',
        verificationId: null,
        purpose: 'login',
        outcome: 'failed',
        reason: 'route_refused',
        detail: { country: 'BE' },
      }),
    ],
    [refusal(appId, 'limit.hit', 'phone_send_hour', 'FR')],
    [refusal(appId, 'limit.hit', 'phone_send_hour', 'BE')],
    [
      refusal(appId, 'pumping.trip', 'country_ratio', 'BE'),
      refusal(appId, 'limit.hit', 'pumping_watch', 'BE'),
    ],
    [refusal(appId, 'verification.refused', 'destination_blocked', 'US')],
    [makeAuditEvent({ appId, type: 'totp.verified', verificationId: null, purpose: null })],
  ];
}

type StoredRow = {
  type: string;
  app_id: string;
  verification_id: string | null;
  purpose: string | null;
  reason: string | null;
  detail: Record<string, unknown>;
  created_at: string;
};

/**
 * The stats computed straight from the rows, as README defines them, independently of the
 * trigger: what the hourly table must give.
 */
function expectedStats(rows: StoredRow[], groupBy: StatsGroupBy) {
  const countryOf = new Map<string, string>();
  const lastRouteOf = new Map<string, string>();
  const buckets = new Map<string, { metric: string; reason: string }[]>();
  for (const row of rows) {
    const country =
      (row.detail.country as string | undefined) ??
      (row.verification_id ? countryOf.get(row.verification_id) : undefined) ??
      '';
    if (row.type === 'verification.created' && row.verification_id) {
      countryOf.set(row.verification_id, country);
    }
    let route = (row.detail.route as string | undefined) ?? '';
    if (row.type === 'sms.sent' && row.verification_id) lastRouteOf.set(row.verification_id, route);
    if (row.type === 'check.approved' && row.verification_id) {
      route = lastRouteOf.get(row.verification_id) ?? '';
    }
    const metric = {
      'sms.sent': 'sent',
      'sms.delivered': 'delivered',
      'sms.failed': 'failed',
      'sms.undelivered': 'failed',
      'check.approved': 'approved',
      'verification.refused': 'refused',
      'limit.hit': 'refused',
    }[row.type];
    if (!metric) continue;
    const hour = new Date(Math.floor(Date.parse(row.created_at) / HOUR) * HOUR)
      .toISOString()
      .replace('.000Z', 'Z');
    const key = { country, purpose: row.purpose ?? '', route, hour }[groupBy];
    buckets.set(key, [
      ...(buckets.get(key) ?? []),
      { metric, reason: row.reason ?? 'unspecified' },
    ]);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, entries]) => {
      const count = (metric: string) => entries.filter((e) => e.metric === metric).length;
      const byReason = (metric: string) => {
        const counts: Record<string, number> = {};
        for (const e of entries.filter((x) => x.metric === metric)) {
          counts[e.reason] = (counts[e.reason] ?? 0) + 1;
        }
        return counts;
      };
      const sent = count('sent');
      return {
        key: key === '' ? null : key,
        sent,
        delivered: count('delivered'),
        approved: count('approved'),
        failed: count('failed'),
        failedByReason: byReason('failed'),
        refused: count('refused'),
        refusedByReason: byReason('refused'),
        conversion: sent === 0 ? null : count('approved') / sent,
        deliveryRate: sent === 0 ? null : count('delivered') / sent,
      };
    });
}

async function storedRows(database: Database, appId: string): Promise<StoredRow[]> {
  const { rows } = await database.db.execute<StoredRow>(
    sql`select type, app_id, verification_id, purpose, reason, detail,
               to_json(created_at) #>> '{}' as created_at
          from audit_events where app_id = ${appId} order by seq`,
  );
  return rows;
}

/** The hourly table as a sorted list, to compare two ways of filling it. */
async function hourlyTable(database: Database): Promise<string[]> {
  const { rows } = await database.db.execute<Record<string, unknown>>(
    sql`select app_id, dimension, hour::text, key, metric, reason, count::text
          from audit_stats_hourly order by 1, 2, 3, 4, 5, 6`,
  );
  return rows.map((row) => JSON.stringify(row));
}

function wideWindow(appId: string, groupBy: StatsGroupBy, now: number) {
  const parsed = parseStatsQuery(
    appId,
    { since: new Date(now - 100 * 24 * HOUR).toISOString(), group_by: groupBy },
    now + HOUR,
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.query;
}

/** The migration that creates the table; its last statement is the backfill. */
function backfillStatement(): string {
  const folder = new URL('../../src/db/migrations/', import.meta.url);
  const file = readdirSync(folder).find((name) => name.endsWith('_audit_stats_hourly.sql'));
  const statements = readFileSync(new URL(file!, folder), 'utf8').split('--> statement-breakpoint');
  return statements.at(-1)!;
}

describe.each(DATABASE_BACKENDS)('audit stats over $name', (backend) => {
  describe.skipIf(!backend.available)('the hourly table', () => {
    let database: Database;
    let drop: () => Promise<void>;
    let writer: PostgresAuditWriter;
    const reader = () => createPostgresStatsReader(database);

    beforeAll(async () => {
      ({ database, drop } = await backend.open());
      await migrateDatabase(database);
      writer = createPostgresAuditWriter(database);
      // Two apps' mixes, appended concurrently through the writer, as requests would.
      await Promise.all(
        [...seededMix('app_stats_a'), ...seededMix('app_stats_b'), ...seededMix('app_stats_a')].map(
          (group) => writer.append(group),
        ),
      );
      // PGlite alone took 30 s to open beside other sessions' suites (load average 20+).
    }, 180_000);

    afterAll(async () => {
      await writer?.close();
      await database?.close();
      await drop?.();
    });

    it.each(STATS_GROUPS)(
      'gives, grouped by %s, the figures of a direct count over the rows',
      async (groupBy) => {
        const now = Date.now();
        const rows = await storedRows(database, 'app_stats_a');
        const stats = await reader().stats(wideWindow('app_stats_a', groupBy, now));
        expect(stats.buckets).toEqual(expectedStats(rows, groupBy));
        expect(stats.total).toMatchObject({
          sent: 10,
          delivered: 4,
          approved: 4,
          failed: 4,
          failedByReason: { UNDELIV: 2, route_refused: 2 },
          refused: 8,
          refusedByReason: { destination_blocked: 2, phone_send_hour: 4, pumping_watch: 2 },
          conversion: 0.4,
          deliveryRate: 0.4,
        });
      },
    );

    it('attributes an approval to the route of the last SMS sent, a receipt to its country', async () => {
      const byRoute = await reader().stats(wideWindow('app_stats_a', 'route', Date.now()));
      expect(byRoute.buckets.map((b) => [b.key, b.sent, b.approved])).toEqual([
        [null, 0, 0],
        ['http-b', 4, 2],
        ['smpp-a', 6, 2],
      ]);
      const byCountry = await reader().stats(wideWindow('app_stats_a', 'country', Date.now()));
      expect(byCountry.buckets.find((b) => b.key === 'BE')).toMatchObject({
        sent: 2,
        failed: 4,
        refused: 4,
      });
    });

    it("counts only the asking app's events", async () => {
      const b = await reader().stats(wideWindow('app_stats_b', 'purpose', Date.now()));
      expect(b.total).toMatchObject({ sent: 5, approved: 2, refused: 4 });
      expect(b.buckets).toEqual(
        expectedStats(await storedRows(database, 'app_stats_b'), 'purpose'),
      );
      const none = await reader().stats(wideWindow('app_stats_nobody', 'country', Date.now()));
      expect(none).toMatchObject({ buckets: [], total: { sent: 0, conversion: null } });
    });

    it('adds the counts in the transaction of the events: a rolled-back append leaves none', async () => {
      const before = await hourlyTable(database);
      const events = seededMix('app_stats_rollback').flat();
      await expect(
        database.transaction(
          async (tx) => {
            await tx.execute(auditAppendStatement(events));
            const inside = await tx.execute<{ n: string }>(
              sql`select coalesce(sum(count), 0)::text as n from audit_stats_hourly
                   where app_id = 'app_stats_rollback'`,
            );
            // Written by the statement itself, before the commit.
            expect(Number(inside.rows[0]?.n)).toBeGreaterThan(0);
            throw new Error('roll back');
          },
          { isolationLevel: 'read committed' },
        ),
      ).rejects.toThrow('roll back');
      expect(await hourlyTable(database)).toEqual(before);

      await database.transaction((tx) => tx.execute(auditAppendStatement(events)), {
        isolationLevel: 'read committed',
      });
      const committed = await reader().stats(wideWindow('app_stats_rollback', 'hour', Date.now()));
      expect(committed.total).toMatchObject({ sent: 5, approved: 2, failed: 2, refused: 4 });
    });

    it('buckets by UTC hour, and the window takes whole hours only', async () => {
      // Rows of other hours, inserted as the owner would (the trigger counts any INSERT), in a
      // session whose time zone is not on whole hours: the buckets are UTC hours all the same.
      const row = (iso: string, type: AuditEventType, reason: string | null = null) => sql`(
        ${newId('evt')}, 'app_stats_hours', ${type}, 'login', 'ok', ${reason},
        '{"country":"FR","route":"smpp-a"}'::jsonb, ${iso}::timestamptz, ${'0'.repeat(64)},
        ${randomBytes(32).toString('hex')})`;
      await database.transaction(async (tx) => {
        await tx.execute(sql`set local time zone 'Asia/Kolkata'`);
        await tx.execute(sql`
          insert into audit_events (id, app_id, type, purpose, outcome, reason, detail, created_at,
                                    prev_hash, hash)
          values ${sql.join(
            [
              row('2026-03-01T10:59:59.999Z', 'sms.sent'),
              row('2026-03-01T10:00:00.000Z', 'sms.sent'),
              row('2026-03-01T11:00:00.000Z', 'sms.delivered'),
              row('2026-03-01T13:30:00.000Z', 'limit.hit', 'ip_send_hour'),
            ],
            sql`, `,
          )}`);
      });
      const stats = async (since: string, until: string) => {
        const parsed = parseStatsQuery('app_stats_hours', { since, until, group_by: 'hour' }, 0);
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
        return reader().stats(parsed.query);
      };
      const day: AuditStats = await stats('2026-03-01', '2026-03-02');
      expect(day.buckets.map((b) => [b.key, b.sent, b.delivered, b.refused])).toEqual([
        ['2026-03-01T10:00:00Z', 2, 0, 0],
        ['2026-03-01T11:00:00Z', 0, 1, 0],
        ['2026-03-01T13:00:00Z', 0, 0, 1],
      ]);
      // 10:30 to 11:10 widens to 10:00-12:00.
      const widened = await stats('2026-03-01T10:30:00Z', '2026-03-01T11:10:00Z');
      expect(widened.since.toISOString()).toBe('2026-03-01T10:00:00.000Z');
      expect(widened.until.toISOString()).toBe('2026-03-01T12:00:00.000Z');
      expect(widened.total).toMatchObject({ sent: 2, delivered: 1, refused: 0 });
    });

    it("the migration's backfill counts existing rows as the trigger does", async () => {
      const byTrigger = await hourlyTable(database);
      expect(byTrigger.length).toBeGreaterThan(10);
      await database.db.execute(sql`delete from audit_stats_hourly`);
      await database.db.execute(sql.raw(backfillStatement()));
      expect(await hourlyTable(database)).toEqual(byTrigger);
    });
  });
});

describe('stats parameters', () => {
  const now = Date.parse('2026-06-15T12:34:56Z');
  const errors = (params: Parameters<typeof parseStatsQuery>[1]) => {
    const parsed = parseStatsQuery('app_x', params, now);
    return parsed.ok ? [] : parsed.errors.map((e) => e.path);
  };

  it('defaults to the last 30 days by country, widened to whole hours', () => {
    expect(parseStatsQuery('app_x', {}, now)).toEqual({
      ok: true,
      query: {
        appId: 'app_x',
        groupBy: 'country',
        since: new Date('2026-05-16T13:00:00Z'),
        until: new Date('2026-06-15T13:00:00Z'),
      },
    });
  });

  it('names the field at fault', () => {
    expect(errors({ group_by: 'phone' })).toEqual(['group_by']);
    expect(errors({ since: 'yesterday' })).toEqual(['since']);
    expect(errors({ until: '2026-06-15T10:00:00' })).toEqual(['until']);
    expect(errors({ since: '2026-06-15', until: '2026-06-01' })).toEqual(['since']);
    expect(errors({ since: '2025-01-01', until: '2026-06-01' })).toEqual(['since']);
    expect(errors({ since: '2025-06-01', until: '2026-06-01', group_by: 'hour' })).toEqual([]);
  });
});
