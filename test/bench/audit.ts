/**
 * `npm run bench:audit [-- --events N --verify-events M --samples K --parallel P --keep
 * --reuse NAME --source]`: the audit read side on a large trail, over HTTP against the real server
 * on real Postgres and Redis. --help prints this.
 *
 * 1. A throwaway database, migrated; 20 apps, each with an `audit:read` key.
 * 2. M events (default 100,000) appended through tessera_append_audit for one more app, so the
 *    chain is valid up to there: GET /v1/audit/verify for that app rehashes exactly those.
 * 3. N events (default 10 million) over 90 days for the 20 apps, by generate_series in SQL
 *    (verifications of 5 rows: created, sent, delivered or undelivered, approved or wrong, and a
 *    wrong check, a limit hit or a refusal), in chunks on P connections, bypassing the append
 *    function and the triggers; the hourly stats, the Merkle leaves (real leaf hashes), every
 *    complete subtree and each app's head are written in bulk as those would have. Chain hash
 *    columns are placeholders (unique, not chained): the chain figure comes from step 2. Phone
 *    HMACs are the server's own, so `phone=` finds them.
 * 4. p50/p99 over K sequential requests of: stats over 30 and 90 days, the query API's filters
 *    (phone, ip, type + range, verification), the export (rows/s and the server's peak RSS),
 *    inclusion and consistency proofs, and one chain verification; each with the load average.
 * --keep leaves the seeded database; --reuse NAME runs step 4 only on such a database. The server
 * is the compiled build (`npm run build` first), as deployed; --source runs it through tsx.
 * Goals are printed beside the figures, not asserted: this is not a test.
 */

import { execFileSync } from 'node:child_process';
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
import { type ProofDocument, verifyProof } from '../../src/audit/offline-verify.ts';
import { parseVerifierKey } from '../../src/audit/signed-note.ts';
import { migrateDatabase, openDatabase } from '../../src/db/database.ts';
import { deriveKeys } from '../../src/kernel/crypto/derive-keys.ts';
import { createPhoneProtector } from '../../src/kernel/crypto/phone-protector.ts';
import { percentile } from './load.ts';
import {
  createBenchDatabase,
  createBenchRedisPrefix,
  dropBenchDatabase,
  POSTGRES_ADMIN_URL,
  REPO_ROOT,
  startBenchServer,
} from './server.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);
const DAY_MS = 86_400_000;
const APPS = 20;
const PHONES_PER_APP = 1_000;
const CHUNK = 250_000;

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  // The usage is this file's opening comment.
  const source = readFileSync(new URL(import.meta.url), 'utf8');
  const usage = source.slice(source.indexOf('/**') + 4, source.indexOf('*/'));
  process.stdout.write(usage.replace(/^ \* ?/gm, ''));
  process.exit(0);
}

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
const PARALLEL = option('parallel', 3);
// --keep leaves the seeded database for another run's --reuse NAME (measures only, no seeding).
const KEEP = process.argv.includes('--keep');
// The server measured: dist/ (built first) by default, the sources through tsx with --source.
const BUILD = process.argv.includes('--source') ? 'source' : 'dist';
const REUSE = process.argv.includes('--reuse')
  ? process.argv[process.argv.indexOf('--reuse') + 1]
  : undefined;

function reusedDatabase(name: string) {
  if (!/^tessera_bench_\w+$/.test(name)) throw new Error('--reuse takes a bench database name');
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => dropBenchDatabase(name) };
}

/** National numbers of app a's phone n: the same clear number the query API is given. */
const phoneOf = (n: number) => `+3361${String(10_000_000 + n).slice(1)}`;

/** The ids of bulk event i and verification v (the shape the API checks: a prefix and 22 characters). */
const eventId = (i: number) => `evt_${String(i).padStart(22, '0')}`;
const verificationId = (v: number) => `ver_${String(v).padStart(22, '0')}`;

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

interface Seeded {
  secretKey: string;
  apps: { id: string; key: string }[];
  verifyApp: { id: string; key: string };
  start: number;
  end: number;
  events?: number;
  verifyEvents?: number;
}

/** Steps 1 to 3 on the empty database at `url`; what the measures need is kept in bench_meta. */
async function seed(url: string, client: pg.Client): Promise<Seeded> {
  const secretKey = randomBytes(32).toString('hex');
  const keys = deriveKeys(Buffer.from(secretKey, 'hex'));
  const handle = await openDatabase({ url: url });
  await migrateDatabase(handle);
  const store = createPostgresAccessStore(handle, createApiKeyHasher(keys.apiKeyHashKey));
  const apps: { id: string; key: string }[] = [];
  for (let a = 0; a < APPS + 1; a++) {
    const created = await createApiKey({ store, appName: `bench-${a}`, scopes: ['audit:read'] });
    apps.push({ id: created.appId, key: created.key });
  }
  await handle.close();
  const verifyApp = apps.pop()!;

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

  // 3. The bulk, bypassing the append function and every trigger (session_replication_role =
  // replica): the bench measures reads, and appending 10 million rows through the chain lock
  // would take hours here. Plain indexes are dropped first and rebuilt after (one sort each);
  // the stats table and the Merkle log are filled in bulk with what the triggers and the
  // append function would have written: same hourly counts, same leaf hashes (RFC 9162, of each
  // row's canonical text), every complete subtree, each app's head and frontier.
  const phones = createPhoneProtector(keys);
  await client.query('create table bench_phones (app int, n int, hmac text, primary key (app, n))');
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
  // PARALLEL connections share the bulk work: on a machine other processes keep busy, one
  // backend would get a fraction of a core.
  const workers: pg.Client[] = [];
  for (let w = 0; w < PARALLEL; w++) {
    const worker = new pg.Client({ connectionString: url });
    await worker.connect();
    await worker.query('set session_replication_role = replica');
    await worker.query(`set maintenance_work_mem = '256MB'`);
    workers.push(worker);
  }
  /** Runs `task` for each item, each worker taking the next item when done with its own. */
  const shared = async <T>(
    items: readonly T[],
    task: (worker: pg.Client, item: T) => Promise<void>,
  ) => {
    let next = 0;
    await Promise.all(
      workers.map(async (worker) => {
        while (next < items.length) await task(worker, items[next++]!);
      }),
    );
  };
  // Unlogged: no WAL for the bulk (half the seeding time here); reads are the same either way.
  for (const table of [
    'audit_events',
    'audit_tree_leaves',
    'audit_tree_nodes',
    'audit_stats_hourly',
  ]) {
    await workers[0]!.query(`alter table ${table} set unlogged`);
  }
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
       from pg_index i
      where i.indrelid in ('audit_events'::regclass, 'audit_tree_leaves'::regclass)
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
  );
  for (const index of indexes) await workers[0]!.query(`drop index ${index.name}`);
  // Each app's log already holds its own leaves (the key.created event of its key).
  const { rows: heads } = await client.query<{ app_id: string; size: string }>(
    'select app_id, size::text as size from audit_tree_heads where app_id = any($1::text[])',
    [appIds],
  );
  const bases = appIds.map((id) => heads.find((head) => head.app_id === id)?.size ?? '0');
  started = performance.now();
  // seq is given (after the rows there), so that it follows i whichever chunk commits first.
  const { rows: last } = await client.query<{ seq: string }>(
    'select coalesce(max(seq), 0)::text as seq from audit_events',
  );
  const seqBase = Number(last[0]!.seq) + 1;
  let seeded = 0;
  const chunks = Array.from({ length: Math.ceil(EVENTS / CHUNK) }, (_, c) => c * CHUNK);
  await shared(chunks, async (worker, from) => {
    const to = Math.min(EVENTS, from + CHUNK) - 1;
    // Event i is step i % 5 of verification i / 5, of app (i / 5) % 20: an app's events in seq
    // order are i ascending, so event i is leaf (i / 100) * 5 + i % 5 after the app's own.
    await worker.query(
      `with e as (
        insert into audit_events (seq, id, app_id, type, verification_id, purpose, phone_masked,
          phone_hmac, client_ip, user_agent, outcome, reason, detail, created_at, prev_hash, hash)
        overriding system value
        select $8::bigint + i, 'evt_' || lpad(i::text, 22, '0'), ($1::text[])[1 + a], k.type, 'ver_' || lpad(v::text, 22, '0'),
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
          ) as t(kind, type, outcome, reason) where t.kind = i % 5) k
        order by i
        returning *),
      l as (
        select *, ($7::bigint[])[1 + n / 5 % ${APPS}] + (n / 100) * 5 + n % 5 as leaf
          from (select *, substr(id, 5)::bigint as n from e) numbered),
      -- What the stats trigger adds per statement (migration 0009); a chunk's first and last
      -- hours may be a neighbour's too, hence the upsert, in key order as the trigger does.
      stats as (
        insert into audit_stats_hourly as s (app_id, dimension, hour, key, metric, reason, count)
        select a.app_id, d.dimension, date_trunc('hour', a.created_at, 'UTC'), d.key, x.metric,
               coalesce(a.reason, ''), count(*)
          from e a
         cross join lateral tessera_audit_stats_entry(a.type, a.app_id, a.verification_id, a.detail) x
         cross join lateral (values ('country', x.country), ('purpose', coalesce(a.purpose, '')),
                                    ('route', x.route)) as d(dimension, key)
         group by 1, 2, 3, 4, 5, 6
         order by 1, 2, 3, 4, 5, 6
        on conflict (app_id, dimension, hour, key, metric, reason)
          do update set count = s.count + excluded.count),
      leaves as (
        insert into audit_tree_leaves (event_id, app_id, leaf_index) select id, app_id, leaf from l)
      insert into audit_tree_nodes (app_id, level, node_index, hash)
      select app_id, 0, leaf, sha256('\\x00'::bytea || convert_to(tessera_audit_text(id, app_id,
          type, verification_id, purpose, phone_masked, phone_hmac, client_ip, user_agent,
          outcome, reason, '{"country":' || to_json(detail ->> 'country')::text
            || ',"route":' || to_json(detail ->> 'route')::text || '}', created_at), 'UTF8'))
        from l order by app_id, leaf`,
      [appIds, from, to, start, end, EVENTS, bases, seqBase],
    );
    seeded += to + 1 - from;
    process.stdout.write(`\rseeded ${seeded} / ${EVENTS} events (${seconds(started)} s)`);
  });
  out('');
  await client.query(`select setval('audit_events_seq_seq', (select max(seq) from audit_events))`);
  const seedSeconds = seconds(started);
  started = performance.now();
  // Every complete subtree, level by level: node (L, j) = H(0x01 || (L-1, 2j) || (L-1, 2j+1)).
  let levels = 0;
  for (let level = 1; ; level++) {
    let added = 0;
    await shared(appIds, async (worker, appId) => {
      const result = await worker.query(
        `insert into audit_tree_nodes (app_id, level, node_index, hash)
         select l.app_id, $2::smallint, l.node_index / 2, sha256('\\x01'::bytea || l.hash || r.hash)
           from audit_tree_nodes l
           join audit_tree_nodes r
             on r.app_id = l.app_id and r.level = l.level and r.node_index = l.node_index + 1
          where l.app_id = $1 and l.level = $2::smallint - 1 and l.node_index % 2 = 0
          order by 3
         on conflict do nothing`,
        [appId, level],
      );
      added += result.rowCount ?? 0;
    });
    if (added === 0) break;
    levels = level;
  }
  // A head as tessera_audit_tree_append leaves it: frontier[d + 1] is the complete subtree of
  // 2^d leaves at the right edge when the size has bit d, else null.
  await workers[0]!.query(
    `insert into audit_tree_heads (app_id, size, frontier)
     select s.app_id, s.size, array(
         select case when (s.size >> d) & 1 = 1 then (
             select n.hash from audit_tree_nodes n
              where n.app_id = s.app_id and n.level = d and n.node_index = (s.size >> d) - 1) end
           from generate_series(0, floor(log(2, s.size))::int) d order by d)
       from (select app_id, count(*) as size from audit_tree_leaves
              where app_id = any($1::text[]) group by app_id) s
     on conflict (app_id) do update set size = excluded.size, frontier = excluded.frontier`,
    [appIds],
  );
  const treeSeconds = seconds(started);
  started = performance.now();
  await shared(indexes, async (worker, index) => {
    await worker.query(index.definition);
  });
  const indexSeconds = seconds(started);
  await Promise.all(workers.map((worker) => worker.end()));
  started = performance.now();
  for (const table of [
    'audit_events',
    'audit_tree_leaves',
    'audit_tree_nodes',
    'audit_stats_hourly',
  ]) {
    await client.query(`vacuum analyze ${table}`);
  }
  await client.query('drop table bench_phones');
  out(
    `seeded ${EVENTS} events in bulk (triggers bypassed, see above) in ${seedSeconds} s; hourly stats with them; Merkle subtrees (${levels} levels) ${treeSeconds} s, ${indexes.length} indexes rebuilt ${indexSeconds} s, vacuum analyze ${seconds(started)} s`,
  );
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
  const meta = {
    secretKey,
    apps,
    verifyApp,
    start,
    end,
    events: EVENTS,
    verifyEvents: VERIFY_EVENTS,
  };
  await client.query('create table bench_meta as select $1::jsonb as meta', [JSON.stringify(meta)]);
  return meta;
}

async function main(): Promise<void> {
  const database = REUSE ? reusedDatabase(REUSE) : await createBenchDatabase();
  const redis = createBenchRedisPrefix();
  const client = new pg.Client({ connectionString: database.url });
  let server: Awaited<ReturnType<typeof startBenchServer>> | null = null;
  try {
    await client.connect();
    // A reused database says how many events it holds (older ones: the options' counts).
    const {
      secretKey,
      apps,
      verifyApp,
      start,
      end,
      events = EVENTS,
      verifyEvents = VERIFY_EVENTS,
    } = REUSE
      ? (await client.query<{ meta: Seeded }>('select meta from bench_meta')).rows[0]!.meta
      : await seed(database.url, client);
    const size = await client.query<{ events: string; nodes: string; stats: string }>(
      `select pg_size_pretty(pg_total_relation_size('audit_events')) as events,
              pg_size_pretty(pg_total_relation_size('audit_tree_nodes')
                + pg_total_relation_size('audit_tree_leaves')) as nodes,
              pg_size_pretty(pg_total_relation_size('audit_stats_hourly')) as stats`,
    );
    out(
      `sizes: audit_events ${size.rows[0]!.events}, Merkle log ${size.rows[0]!.nodes}, audit_stats_hourly ${size.rows[0]!.stats}`,
    );
    // 4. The server (the compiled build, as the production image runs it, unless --source), then
    // the measures.
    if (BUILD === 'dist') {
      out('building dist/ (npm run build) for the server');
      execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
    }
    let started = performance.now();
    server = await startBenchServer({
      build: BUILD,
      profile: 'otp',
      databaseUrl: database.url,
      redisPrefix: redis.prefix,
      threadpoolSize: Math.max(2, os.availableParallelism()),
      secretKey,
    });
    const port = server.port;
    const iso = (ms: number) => new Date(ms).toISOString();
    // Other helpers' tests share this machine: each figure carries the load average it ran under.
    const load = () => `load ${os.loadavg()[0]!.toFixed(1)}`;
    const sample = async (
      name: string,
      path: (i: number) => string,
      goalMs: number,
      appOf: (i: number) => number = (i) => i % APPS,
    ) => {
      const first = await get(port, path(0), apps[appOf(0)]!.key);
      if (first.status === 404) {
        out(`${name.padEnd(44)} not in this build (404)`);
        return;
      }
      if (first.status !== 200) throw new Error(`${name}: status ${first.status}`);
      const times: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const response = await get(port, path(i), apps[appOf(i)]!.key);
        if (response.status !== 200) throw new Error(`${name}: status ${response.status}`);
        times.push(response.ms);
      }
      const p99 = percentile(times, 99);
      out(
        `${name.padEnd(44)} p50 ${fmt(percentile(times, 50)).padStart(5)} ms  p99 ${fmt(p99).padStart(5)} ms  (goal p99 ≤ ${goalMs} ms: ${p99 <= goalMs ? 'met' : 'NOT met'}; ${load()})`,
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
      (i) => `/v1/audit/events?verification_id=${verificationId(i * APPS + (i % APPS))}&limit=100`,
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
        `export (ndjson, one app): ${exported.lines} lines, ${(exported.bytes / 1e6).toFixed(0)} MB in ${seconds(started)} s = ${Math.round(rowsPerSecond)} rows/s (goal ≥ 100,000); server RSS ${before.rss.toFixed(0)} MB before, peak ${after.peak.toFixed(0)} MB (goal < 250 MB); ${load()}`,
      );
    }

    // 5. Proofs (RFC 9162) against each app's newest checkpoint, signed on demand by a first
    // request per app (not timed). One proof is checked offline as a third party would.
    for (const app of apps) await get(port, '/v1/audit/checkpoint', app.key);
    const keyResponse = await fetch(`http://127.0.0.1:${port}/v1/audit/checkpoint/key`, {
      headers: { authorization: `Bearer ${apps[0]!.key}` },
    });
    const verifier = parseVerifierKey(
      ((await keyResponse.json()) as { verifier_key: string }).verifier_key,
    );
    const proofResponse = await fetch(
      `http://127.0.0.1:${port}/v1/audit/events/${eventId(7)}/proof`,
      {
        headers: { authorization: `Bearer ${apps[1]!.key}` },
      },
    );
    const verdict = verifyProof((await proofResponse.json()) as ProofDocument, verifier);
    if (!verdict.ok) throw new Error(`the seeded log gives a bad proof: ${verdict.problem}`);
    const perApp = Math.floor(events / APPS);
    out(
      `Merkle log: ${events} leaves in ${APPS} apps' logs (~${perApp} each, ${Math.ceil(Math.log2(perApp))} levels); a proof checked offline: ok`,
    );
    // Event i is of app (i / 5) % 20; spread over the whole trail.
    const eventOf = (i: number) => (i * 1_000_003) % events;
    await sample(
      'inclusion proof (newest checkpoint)',
      (i) => `/v1/audit/events/${eventId(eventOf(i))}/proof`,
      10,
      (i) => Math.floor(eventOf(i) / 5) % APPS,
    );
    await sample(
      'consistency proof (to newest checkpoint)',
      (i) => `/v1/audit/consistency?from=${1 + ((i * 7_919) % (perApp - 1))}`,
      10,
    );

    started = performance.now();
    const verified = await get(port, '/v1/audit/verify', verifyApp.key);
    const body = verified.status;
    out(
      `verify: ${verifyEvents} chained events rehashed over HTTP in ${seconds(started)} s = ${Math.round(verifyEvents / ((performance.now() - started) / 1000))} events/s (status ${body}); server peak RSS ${memoryOf(server.pid).peak.toFixed(0)} MB`,
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
    if (KEEP) out(`kept the bench database: --reuse ${new URL(database.url).pathname.slice(1)}`);
    else await database.drop();
    await redis.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
