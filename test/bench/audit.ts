/**
 * `npm run bench:audit [-- --events N --verify-events M --samples K]`: the audit read side on a
 * large trail, over HTTP against the real server (src/launcher.cjs) on real Postgres and Redis.
 *
 * 1. A throwaway database, migrated; 20 apps, each with an `audit:read` key.
 * 2. M events (default 100,000) appended through tessera_append_audit for one more app, so the
 *    chain is valid up to there: GET /v1/audit/verify for that app rehashes exactly those.
 * 3. N events (default 10 million) over 90 days for the 20 apps, by generate_series in SQL
 *    (verifications of 5 rows: created, sent, delivered or undelivered, approved or wrong, and a
 *    wrong check, a limit hit or a refusal), in chunks; the stats trigger fills the hourly table
 *    as it would for real appends. Their hash columns are placeholders (unique, not chained): the
 *    chain figure comes from step 2. Phone HMACs are the server's own, so `phone=` finds them.
 * 4. p50/p99 over K sequential requests of: stats over 30 and 90 days (per country and per hour),
 *    the query API's filters (phone, ip, type + range, verification) and the export (rows/s and
 *    the server's peak RSS) when this build serves them (a 404 is reported as "not in this
 *    build"), and one chain verification.
 * Goals are printed beside the figures, not asserted: this is not a test.
 */

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import pg from 'pg';
import {
  createApiKey,
  createApiKeyHasher,
  createPostgresAccessStore,
} from '../../src/access/index.ts';
import { migrateDatabase, openDatabase } from '../../src/db/database.ts';
import { deriveKeys } from '../../src/kernel/crypto/derive-keys.ts';
import { createPhoneProtector } from '../../src/kernel/crypto/phone-protector.ts';
import { percentile } from './load.ts';
import { createBenchDatabase, createBenchRedisPrefix, startBenchServer } from './server.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);
const DAY_MS = 86_400_000;
const APPS = 20;
const PHONES_PER_APP = 1_000;
const CHUNK = 250_000;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]?.replaceAll('_', ''));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} takes a positive integer`);
  return value;
}

const EVENTS = option('events', 10_000_000);
const VERIFY_EVENTS = option('verify-events', 100_000);
const SAMPLES = option('samples', 100);

/** National numbers of app a's phone n: the same clear number the query API is given. */
const phoneOf = (n: number) => `+336${String(10_000_000 + n).slice(1)}`;

interface Timed {
  status: number;
  ms: number;
  bytes: number;
  lines: number;
}

/** One GET, read to the end; counts newlines for exports. */
function get(port: number, path: string, key: string): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${key}` }, agent: false },
      (res) => {
        let bytes = 0;
        let lines = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, bytes, lines }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

/** The kernel's counters of a process, in MB: its resident set now and its peak so far. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(1) : Math.round(ms).toString());
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

async function main(): Promise<void> {
  const secretKey = randomBytes(32).toString('hex');
  const keys = deriveKeys(Buffer.from(secretKey, 'hex'));
  const database = await createBenchDatabase();
  const redis = createBenchRedisPrefix();
  const client = new pg.Client({ connectionString: database.url });
  let server: Awaited<ReturnType<typeof startBenchServer>> | null = null;
  try {
    const handle = await openDatabase({ url: database.url });
    await migrateDatabase(handle);
    const store = createPostgresAccessStore(handle, createApiKeyHasher(keys.apiKeyHashKey));
    const apps: { id: string; key: string }[] = [];
    for (let a = 0; a < APPS + 1; a++) {
      const created = await createApiKey({ store, appName: `bench-${a}`, scopes: ['audit:read'] });
      apps.push({ id: created.appId, key: created.key });
    }
    await handle.close();
    const verifyApp = apps.pop()!;
    await client.connect();

    // 2. A valid chain, through the append function, 1,000 events a call.
    let started = performance.now();
    for (let from = 1; from <= VERIFY_EVENTS; from += 1_000) {
      await client.query(
        `select tessera_append_audit((select jsonb_agg(jsonb_build_object(
           'id', 'evt_v' || g, 'app_id', $1::text, 'type', 'sms.sent', 'verification_id', 'ver_v' || g,
           'purpose', 'login', 'outcome', 'ok',
           'detail', jsonb_build_object('route', 'smpp-a', 'country', 'FR')) order by g)
         from generate_series($2::int, $3::int) g))`,
        [verifyApp.id, from, Math.min(VERIFY_EVENTS, from + 999)],
      );
    }
    out(`valid chain: ${VERIFY_EVENTS} events appended in ${seconds(started)} s`);

    // 3. The bulk, chunk by chunk; phones hashed with the server's per-app keys.
    const phones = createPhoneProtector(keys);
    await client.query(
      'create temp table bench_phones (app int, n int, hmac text, primary key (app, n))',
    );
    const phoneRows = apps.flatMap((app, a) =>
      Array.from({ length: PHONES_PER_APP }, (_, n) => [a, n, phones.hmac(app.id, phoneOf(n))]),
    );
    await client.query(
      `insert into bench_phones select * from jsonb_to_recordset($1::jsonb) as t(app int, n int, hmac text)`,
      [JSON.stringify(phoneRows.map(([app, n, hmac]) => ({ app, n, hmac })))],
    );
    const appIds = apps.map((app) => app.id);
    const end = Date.now();
    const start = end - 90 * DAY_MS;
    started = performance.now();
    for (let from = 0; from < EVENTS; from += CHUNK) {
      const to = Math.min(EVENTS, from + CHUNK) - 1;
      await client.query(
        `insert into audit_events (id, app_id, type, verification_id, purpose, phone_masked,
           phone_hmac, client_ip, user_agent, outcome, reason, detail, created_at, prev_hash, hash)
         select 'evt_b' || i, ($1::text[])[1 + a], k.type, 'ver_b' || v,
           (array['login', 'signup', 'transfer'])[1 + v % 3], '+33 6•• •• •• ••', p.hmac,
           ('10.' || (v % 200) || '.' || (v / 200 % 200) || '.' || (1 + v % 7))::text,
           'bench', k.outcome, k.reason,
           jsonb_build_object('country', (array['FR','BE','DE','ES','IT','GB','US','MA'])[1 + v % 8],
                              'route', (array['smpp-a', 'http-b'])[1 + v % 2]),
           to_timestamp(($4::bigint + i * ($5::bigint - $4::bigint) / $6::bigint) / 1000.0),
           md5((i - 1)::text) || md5((1 - i)::text), md5(i::text) || md5((-i)::text)
         from generate_series($2::bigint, $3::bigint) i
         cross join lateral (select (i / 5)::int as v, (i / 5 % ${APPS})::int as a) w
         join bench_phones p on p.app = w.a and p.n = w.v % ${PHONES_PER_APP}
         cross join lateral (select * from (values
           (0, 'verification.created', 'ok', null),
           (1, 'sms.sent', 'ok', null),
           (2, case when v % 10 = 0 then 'sms.undelivered' else 'sms.delivered' end,
               case when v % 10 = 0 then 'failed' else 'ok' end,
               case when v % 10 = 0 then 'UNDELIV' end),
           (3, case when v % 4 = 0 then 'check.wrong' else 'check.approved' end,
               case when v % 4 = 0 then 'wrong' else 'ok' end, null),
           (4, case v % 20 when 0 then 'limit.hit' when 1 then 'verification.refused' else 'check.wrong' end,
               case when v % 20 < 2 then 'refused' else 'wrong' end,
               case v % 20 when 0 then 'phone_send_hour' when 1 then 'destination_blocked' end)
           ) as t(kind, type, outcome, reason) where t.kind = i % 5) k`,
        [appIds, from, to, start, end, EVENTS],
      );
      process.stdout.write(`\rseeded ${to + 1} / ${EVENTS} events (${seconds(started)} s)`);
    }
    out('');
    const seedSeconds = seconds(started);
    started = performance.now();
    await client.query('vacuum analyze audit_events');
    await client.query('vacuum analyze audit_stats_hourly');
    out(`seeded ${EVENTS} events in ${seedSeconds} s, vacuum analyze ${seconds(started)} s`);
    const consistent = await client.query<{ events: string; counted: string; hours: string }>(
      `select (select count(*) from audit_events where type in ('sms.sent', 'sms.delivered',
                'sms.undelivered', 'sms.failed', 'check.approved', 'limit.hit',
                'verification.refused'))::text as events,
              (select sum(count) from audit_stats_hourly where dimension = 'purpose')::text as counted,
              (select count(*) from audit_stats_hourly)::text as hours`,
    );
    const row = consistent.rows[0]!;
    out(
      `hourly table: ${row.hours} rows, counting ${row.counted} events of ${row.events} counted ones (${row.counted === row.events ? 'consistent' : 'INCONSISTENT'})`,
    );
    const size = await client.query<{ events: string; stats: string }>(
      `select pg_size_pretty(pg_total_relation_size('audit_events')) as events,
              pg_size_pretty(pg_total_relation_size('audit_stats_hourly')) as stats`,
    );
    out(`sizes: audit_events ${size.rows[0]!.events}, audit_stats_hourly ${size.rows[0]!.stats}`);

    // 4. The server, then the measures.
    server = await startBenchServer({
      profile: 'otp',
      databaseUrl: database.url,
      redisPrefix: redis.prefix,
      threadpoolSize: Math.max(2, os.availableParallelism()),
      secretKey,
    });
    const port = server.port;
    const iso = (ms: number) => new Date(ms).toISOString();
    const sample = async (name: string, path: (i: number) => string, goalMs: number) => {
      const first = await get(port, path(0), apps[0]!.key);
      if (first.status === 404) {
        out(`${name.padEnd(44)} not in this build (404)`);
        return;
      }
      if (first.status !== 200) throw new Error(`${name}: status ${first.status}`);
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const app = apps[i % APPS]!;
        const response = await get(port, path(i), app.key);
        if (response.status !== 200) throw new Error(`${name}: status ${response.status}`);
        times.push(response.ms);
      }
      const p99 = percentile(times, 99);
      out(
        `${name.padEnd(44)} p50 ${fmt(percentile(times, 50)).padStart(5)} ms  p99 ${fmt(p99).padStart(5)} ms  (goal p99 ≤ ${goalMs} ms: ${p99 <= goalMs ? 'met' : 'NOT met'})`,
      );
    };
    const at = (i: number) => start + ((i * 7919) % 80) * DAY_MS;
    await sample(
      'stats, 30 days, by country',
      () => `/v1/audit/stats?since=${iso(end - 30 * DAY_MS)}&group_by=country`,
      300,
    );
    await sample(
      'stats, 90 days, by country',
      () => `/v1/audit/stats?since=${iso(start)}&group_by=country`,
      300,
    );
    await sample(
      'stats, 90 days, by hour',
      () => `/v1/audit/stats?since=${iso(start)}&group_by=hour`,
      300,
    );
    await sample(
      'stats, 90 days, by route',
      () => `/v1/audit/stats?since=${iso(start)}&group_by=route`,
      300,
    );
    // The query API (branch auditquery): measured once this build serves it.
    await sample(
      'query: phone',
      (i) => `/v1/audit/events?phone=${encodeURIComponent(phoneOf(i % PHONES_PER_APP))}&limit=100`,
      50,
    );
    await sample(
      'query: ip',
      (i) => `/v1/audit/events?ip=10.${i % 200}.0.${1 + (i % 7)}&limit=100`,
      50,
    );
    await sample(
      'query: type + 1-day range',
      (i) =>
        `/v1/audit/events?type=check.approved&since=${iso(at(i))}&until=${iso(at(i) + DAY_MS)}&limit=100`,
      50,
    );
    await sample(
      'query: verification',
      (i) => `/v1/audit/events?verification_id=ver_b${i * 5 * 20 + (i % APPS)}&limit=100`,
      50,
    );

    const exportPath = '/v1/audit/events/export?format=ndjson';
    const before = memoryOf(server.pid);
    started = performance.now();
    const exported = await get(port, exportPath, apps[0]!.key);
    if (exported.status === 404) {
      out(`${'export'.padEnd(44)} not in this build (404)`);
    } else {
      const after = memoryOf(server.pid);
      const rowsPerSecond = exported.lines / ((performance.now() - started) / 1000);
      out(
        `export (ndjson, one app): ${exported.lines} lines, ${(exported.bytes / 1e6).toFixed(0)} MB in ${seconds(started)} s = ${Math.round(rowsPerSecond)} rows/s (goal ≥ 100,000); server RSS ${before.rss.toFixed(0)} MB before, peak ${after.peak.toFixed(0)} MB (goal < 250 MB)`,
      );
    }

    started = performance.now();
    const verified = await get(port, '/v1/audit/verify', verifyApp.key);
    const body = verified.status;
    out(
      `verify: ${VERIFY_EVENTS} chained events rehashed over HTTP in ${seconds(started)} s = ${Math.round(VERIFY_EVENTS / ((performance.now() - started) / 1000))} events/s (status ${body}); server peak RSS ${memoryOf(server.pid).peak.toFixed(0)} MB`,
    );
    out(
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await server?.stop();
    await client.end().catch(() => {});
    await database.drop();
    await redis.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
