/**
 * `npm run bench`: the full cycle over HTTP on real Redis and Postgres (send a code, read it off
 * the console route's output as a person reads their phone, check it), for each hashing profile,
 * and the argon2-only ceiling measured in the same run on the same machine.
 *
 * Per profile: phase 0, argon2 hash + verify pairs/s in a child process with the server's
 * threadpool (the ceiling); a fresh database and Redis key prefix and the server as a child
 * process; phase 1, 32 users in a closed loop → cycles/s; phase 2, an open loop at half that rate
 * → p50/p99 per endpoint; the server stopped, phase 3, phase 1 against the two reference floors
 * (floor-server.ts: the least server that could do this cycle, and the same with no I/O at all) →
 * what the ratio goal leaves on this machine; phase 4, the ceiling again. The ratio is taken to the
 * mean of the two ceilings, both printed: this host's speed drifts between phases, and the pair
 * shows by how much. Goals are reported, not asserted: the exit code is non-zero only when
 * something failed (a cycle not approved, a server crash, a store missing).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { HASH_PROFILES, type HashProfileName } from '../../src/kernel/crypto/hash-profiles.ts';
import { benchAuditVariants, type VariantResult } from './audit-variants.ts';
import { type CpuShares, machineBusy, startCpuSampler } from './cpu.ts';
import { ENDPOINTS, type Endpoint, runCycle, runFloorCycle } from './cycle.ts';
import { BenchClient } from './http-client.ts';
import {
  type ClosedLoopResult,
  closedLoop,
  Failures,
  type OpenLoopResult,
  openLoop,
  percentile,
} from './load.ts';
import {
  auditCommits,
  auditCommitsBetween,
  type BenchServer,
  createBenchDatabase,
  createBenchRedisPrefix,
  type DatabaseActivity,
  databaseActivity,
  type FloorKind,
  REPO_ROOT,
  raiseAppLimits,
  startBenchServer,
  startFloorServer,
} from './server.ts';
import { benchSmpp } from './smpp.ts';
import { benchSubjectKeys } from './subject-keys.ts';

const USERS = 32;
const WARMUP_MS = 2_000;
const PEAK_MS = 10_000;
const OPEN_LOOP_MS = 10_000;
const ARGON2_WARMUP_MS = 1_000;
const ARGON2_MS = 5_000;
// Postgres backends report their statistics at most once a second.
const STATS_FLUSH_MS = 1_100;
// BENCH_PROFILES=otp (comma-separated) runs only those; both by default.
const PROFILES = (process.env.BENCH_PROFILES ?? 'otp,owasp')
  .split(',')
  .map((name) => name.trim())
  .filter((name): name is HashProfileName => name in HASH_PROFILES);
// What src/launcher.cjs gives the server; the argon2 ceiling gets the same.
const THREADPOOL_SIZE = Math.max(2, os.availableParallelism());

// The audit variants (audit-variants.ts): rounds of a closed loop per variant, interleaved.
// BENCH_AUDIT_ROUNDS=0 skips them; BENCH_AUDIT_ONLY=1 runs only them.
const AUDIT_ROUNDS = Number(process.env.BENCH_AUDIT_ROUNDS ?? 5);
const AUDIT_ONLY = process.env.BENCH_AUDIT_ONLY === '1';
const AUDIT_ROUND_MS = 6_000;
const AUDIT_WARMUP_MS = 1_000;
const MAX_AUDIT_SE = 0.025;

/** Above this share of the machine used by other processes, the figures are flagged. */
const BUSY_WARNING_PCT = 20;

const GOALS = {
  ratio: 0.8,
  otpCyclesPerSecond: 350,
  otpCheckP99Ms: 25,
};

type AuditWait = ReturnType<typeof auditCommitsBetween>;

interface FloorResult {
  closed: ClosedLoopResult;
  cpu: CpuShares | null;
}

interface ProfileResult {
  profile: HashProfileName;
  closed: ClosedLoopResult;
  open: OpenLoopResult;
  cpuPeak: CpuShares | null;
  cpuOpen: CpuShares | null;
  /** Postgres work per cycle of phase 1 (audit trail, key lookups), from pg_stat_database. */
  postgresPerCycle: DatabaseActivity;
  /** What requests waited for their audit rows, at the peak and at half rate (the server's /metrics). */
  auditPeak: AuditWait;
  auditOpen: AuditWait;
  /** The reference floors' closed loops (phase 3): the least I/O a cycle needs, and none. */
  floors: Record<FloorKind, FloorResult>;
  /** The argon2 ceiling, measured in phase 0 and in phase 4; ratios use their mean. */
  argon2Measured: [number, number];
  failures: Failures;
}

const out = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function benchProfile(profile: HashProfileName): Promise<ProfileResult> {
  const database = await createBenchDatabase();
  const redis = createBenchRedisPrefix();
  let server: BenchServer | null = null;
  const clients: BenchClient[] = [];
  const failures = new Failures();
  try {
    out(
      `  phase 0: argon2 hash + verify, ${USERS} loops, ${ARGON2_MS / 1000} s, no server running`,
    );
    const ceilingBefore = await argon2Ceiling(profile);
    server = await startBenchServer({
      profile,
      databaseUrl: database.url,
      redisPrefix: redis.prefix,
      threadpoolSize: THREADPOOL_SIZE,
    });
    await raiseAppLimits(database.url);

    out(
      `  phase 1: ${USERS} users, closed loop, ${WARMUP_MS / 1000} s warm-up + ${PEAK_MS / 1000} s`,
    );
    const closedClient = new BenchClient(server.port, server.apiKey, USERS);
    clients.push(closedClient);
    const target = { client: closedClient, inbox: server.inbox };
    const activityBefore = await databaseActivity(database.url);
    const auditBefore = await auditCommits(server.port);
    let cpu = startCpuSampler(server.pid);
    const closed = await Promise.race([
      closedLoop(() => runCycle(target), {
        users: USERS,
        warmupMs: WARMUP_MS,
        durationMs: PEAK_MS,
        failures,
      }),
      server.crashed,
    ]);
    const cpuPeak = cpu.stop();
    const auditAtPeak = await auditCommits(server.port);
    closedClient.close();
    if (closed.cycles === 0) throw new Error('no cycle completed in phase 1');
    await sleep(STATS_FLUSH_MS);
    const activityAfter = await databaseActivity(database.url);
    const postgresPerCycle = {
      transactions: (activityAfter.transactions - activityBefore.transactions) / closed.allCycles,
      auditRows: (activityAfter.auditRows - activityBefore.auditRows) / closed.allCycles,
    };

    const rate = closed.cyclesPerSecond / 2;
    out(
      `  phase 2: open loop at ${rate.toFixed(1)} cycles/s, ${WARMUP_MS / 1000} s warm-up + ${OPEN_LOOP_MS / 1000} s`,
    );
    // No socket cap: a late cycle gets its own connection, so queueing happens in the server.
    const openClient = new BenchClient(server.port, server.apiKey, Number.POSITIVE_INFINITY);
    clients.push(openClient);
    cpu = startCpuSampler(server.pid);
    const open = await Promise.race([
      openLoop(
        { client: openClient, inbox: server.inbox },
        { rate, warmupMs: WARMUP_MS, durationMs: OPEN_LOOP_MS, failures },
      ),
      server.crashed,
    ]);
    const cpuOpen = cpu.stop();
    const auditAfterOpen = await auditCommits(server.port);
    openClient.close();

    await server.stop();
    server = null;
    out(
      `  phase 3: the reference floors (least I/O, then none), ${USERS} users, closed loop, ${WARMUP_MS / 1000} s warm-up + ${PEAK_MS / 1000} s each, server stopped`,
    );
    const floors = {
      io: await floorServer('io', profile, database.url, redis.prefix, failures),
      bare: await floorServer('bare', profile, database.url, redis.prefix, failures),
    };
    out(`  phase 4: argon2 hash + verify again, servers stopped`);
    const ceilingAfter = await argon2Ceiling(profile);
    return {
      profile,
      closed,
      open,
      cpuPeak,
      cpuOpen,
      postgresPerCycle,
      auditPeak: auditCommitsBetween(auditBefore, auditAtPeak),
      auditOpen: auditCommitsBetween(auditAtPeak, auditAfterOpen),
      floors,
      argon2Measured: [ceilingBefore, ceilingAfter],
      failures,
    };
  } finally {
    for (const client of clients) client.close();
    await server?.stop();
    await database.drop().catch((error) => console.error(`bench: dropping the database: ${error}`));
    await redis.drop().catch((error) => console.error(`bench: deleting Redis keys: ${error}`));
  }
}

/** Phase 1's closed loop against floor-server.ts instead of Tessera. */
async function floorServer(
  kind: FloorKind,
  profile: HashProfileName,
  databaseUrl: string,
  redisPrefix: string,
  failures: Failures,
): Promise<FloorResult> {
  const floor = await startFloorServer({
    kind,
    profile,
    databaseUrl,
    redisPrefix,
    threadpoolSize: THREADPOOL_SIZE,
  });
  const client = new BenchClient(floor.port, 'none', USERS);
  try {
    const cpu = startCpuSampler(floor.pid);
    const closed = await closedLoop(() => runFloorCycle(client), {
      users: USERS,
      warmupMs: WARMUP_MS,
      durationMs: PEAK_MS,
      failures,
    });
    return { closed, cpu: cpu.stop() };
  } finally {
    client.close();
    await floor.stop();
  }
}

/** Runs argon2-ceiling.ts in a child process with the server's threadpool size. */
function argon2Ceiling(profile: HashProfileName): Promise<number> {
  const args = [
    '--import',
    'tsx',
    'test/bench/argon2-ceiling.ts',
    profile,
    String(USERS),
    String(ARGON2_WARMUP_MS),
    String(ARGON2_MS),
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, UV_THREADPOOL_SIZE: String(THREADPOOL_SIZE) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), ARGON2_WARMUP_MS + ARGON2_MS + 30_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      try {
        if (code !== 0) throw new Error(`argon2-ceiling exited with code ${code}`);
        const { pairsPerSecond } = JSON.parse(output.trim().split('\n').pop() ?? '') as {
          pairsPerSecond: number;
        };
        if (!(pairsPerSecond > 0)) throw new Error(`argon2-ceiling printed ${output}`);
        resolve(pairsPerSecond);
      } catch (error) {
        reject(error);
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Report

const FLOOR_LABELS: ReadonlyArray<[FloorKind, string]> = [
  ['io', 'reference floor'],
  ['bare', 'bare floor (no I/O)'],
];

const mark = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const ms = (value: number) => `${value.toFixed(1)} ms`;
const pad = (text: string, width: number) => text.padEnd(width);
const lpad = (text: string, width: number) => text.padStart(width);

function cpuLine(shares: CpuShares | null): string {
  if (!shares) return 'n/a (no /proc)';
  const p = (v: number) => `${v.toFixed(0)}%`;
  return (
    `server ${p(shares.server)} (main thread ${p(shares.serverMain)}), postgres ${p(shares.postgres)}, redis ${p(shares.redis)}, ` +
    `bench ${p(shares.bench)}, other ${p(shares.other)}, idle ${p(shares.idle)} ` +
    `(of ${os.availableParallelism() * 100}%)`
  );
}

function report(result: ProfileResult): void {
  const { profile, closed, open } = result;
  const [before, after] = result.argon2Measured;
  const argon2PairsPerSecond = (before + after) / 2;
  const p = HASH_PROFILES[profile];
  const ratio = closed.cyclesPerSecond / argon2PairsPerSecond;
  const isOtp = profile === 'otp';
  const rows: Array<[string, string, string]> = [];
  rows.push([
    `full cycles/s (${USERS} users, closed loop, ${closed.seconds} s)`,
    closed.cyclesPerSecond.toFixed(1),
    isOtp
      ? `goal >= ${GOALS.otpCyclesPerSecond}  ${mark(closed.cyclesPerSecond >= GOALS.otpCyclesPerSecond)}`
      : '',
  ]);
  for (const endpoint of ENDPOINTS) {
    const samples = open.latencies[endpoint];
    const p99 = percentile(samples, 99);
    const goal =
      isOtp && endpoint === 'check'
        ? `goal p99 <= ${GOALS.otpCheckP99Ms} ms  ${mark(p99 <= GOALS.otpCheckP99Ms)}`
        : '';
    rows.push([
      `${endpointLabel(endpoint)} p50 / p99 at ${open.rate.toFixed(1)} cycles/s (open loop)`,
      `${ms(percentile(samples, 50))} / ${ms(p99)}`,
      goal,
    ]);
  }
  rows.push([
    `argon2 hash+verify pairs/s (${USERS} loops, ${ARGON2_MS / 1000} s; mean of phases 0 and 4)`,
    argon2PairsPerSecond.toFixed(1),
    `(${before.toFixed(1)} before, ${after.toFixed(1)} after)`,
  ]);
  rows.push([
    'ratio cycles/s / argon2 pairs/s',
    ratio.toFixed(2),
    `goal >= ${GOALS.ratio}  ${mark(ratio >= GOALS.ratio)}`,
  ]);
  for (const [kind, label] of FLOOR_LABELS) {
    const floor = result.floors[kind].closed;
    rows.push([
      `${label} cycles/s (${USERS} users, closed loop, ${floor.seconds} s)`,
      floor.cyclesPerSecond.toFixed(1),
      `ratio ${(floor.cyclesPerSecond / argon2PairsPerSecond).toFixed(2)}`,
    ]);
  }

  out();
  out(
    `profile ${profile} (argon2id m=${p.memoryCost} KiB, t=${p.timeCost}, p=${p.parallelism})` +
      `${result.failures.count > 0 ? `  -- ${result.failures.count} FAILED CYCLES, not a valid measurement` : ''}`,
  );
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  for (const [label, value, goal] of rows) {
    out(`  ${pad(label, w0)}  ${lpad(value, w1)}  ${goal}`.trimEnd());
  }
  out(
    `  open loop: ${open.started} cycles started, ${open.completed} approved in ${open.seconds} s; ` +
      `latest start ${ms(open.maxStartLagMs)} after its due time`,
  );
  out(`  CPU at peak (phase 1): ${cpuLine(result.cpuPeak)}`);
  out(`  CPU at half (phase 2): ${cpuLine(result.cpuOpen)}`);
  for (const [kind, label] of FLOOR_LABELS) {
    out(`  CPU of the ${label} (phase 3): ${cpuLine(result.floors[kind].cpu)}`);
  }
  const pgWork = result.postgresPerCycle;
  out(
    `  Postgres per cycle (phase 1): ${pgWork.auditRows.toFixed(2)} audit rows in ` +
      `~${pgWork.transactions.toFixed(2)} transactions (group commit)`,
  );
  const audit = (wait: AuditWait) =>
    `${ms(wait.meanWaitMs)} (${wait.rowsPerTransaction.toFixed(1)} rows per transaction)`;
  out(
    `  mean wait for audit rows per request: ${audit(result.auditPeak)} at peak, ` +
      `${audit(result.auditOpen)} at half rate`,
  );
  const cores = os.availableParallelism();
  const others = Math.max(result.cpuPeak?.other ?? 0, result.cpuOpen?.other ?? 0) / cores;
  if (others > BUSY_WARNING_PCT) {
    out(
      `  WARNING: other processes took up to ${others.toFixed(0)}% of the machine during the run; ` +
        'these figures understate it',
    );
  }
  if (result.failures.count > 0) {
    out(`  failures (${result.failures.count}), first ones:`);
    for (const sample of result.failures.samples) out(`    ${sample}`);
  }
}

/** Paired per round (same minute of the machine): the ratio of each round, then their mean. */
function reportVariants(variants: VariantResult[], failures: Failures): void {
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const stdev = (values: number[]) => {
    const m = mean(values);
    return Math.sqrt(values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1 || 1));
  };
  out();
  out(
    `otp cycles/s per audit write path (${variants[0]!.rounds.length} interleaved rounds)` +
      `${failures.count > 0 ? `  -- ${failures.count} FAILED CYCLES, not a valid measurement` : ''}`,
  );
  for (const variant of variants) {
    out(
      `  ${variant.name.padEnd(36)} mean ${mean(variant.rounds).toFixed(1).padStart(6)}  rounds ${variant.rounds.map((r) => r.toFixed(0)).join(' ')}  (load ${variant.loads.map((l) => l.toFixed(1)).join(' ')})`,
    );
  }
  // The spread is the standard error of the mean ratio: "within noise" is within two of it.
  const paired = (a: VariantResult, b: VariantResult) => {
    const ratios = a.rounds.map((r, i) => r / b.rounds[i]!);
    return { ratio: mean(ratios), spread: stdev(ratios) / Math.sqrt(ratios.length) };
  };
  // Rounds this noisy (another process's load) cannot tell a few percent apart: no verdict then.
  const verdict = ({ ratio, spread }: { ratio: number; spread: number }, goal: number) =>
    spread > MAX_AUDIT_SE
      ? `NOT RESOLVED (standard error above ${MAX_AUDIT_SE * 100}%)`
      : mark(ratio >= goal - 2 * spread);
  const [built, logOff, before] = variants as [VariantResult, VariantResult, VariantResult];
  const log = paired(built, logOff);
  out(
    `  Merkle log on / off: ${log.ratio.toFixed(3)} ± ${log.spread.toFixed(3)} (standard error)  goal >= 0.95  ${verdict(log, 0.95)}`,
  );
  const api = paired(logOff, before);
  out(
    `  audit API write path (stats trigger, search indexes) / before it: ${api.ratio.toFixed(3)} ± ${api.spread.toFixed(3)}  goal: not lower within noise  ${verdict(api, 1)}`,
  );
  const all = paired(built, before);
  out(`  as built / before both issues: ${all.ratio.toFixed(3)} ± ${all.spread.toFixed(3)}`);
  if (failures.count > 0) {
    for (const sample of failures.samples) out(`    ${sample}`);
  }
}

function endpointLabel(endpoint: Endpoint): string {
  return {
    send: 'POST /v1/verify',
    check: 'POST /v1/verify/{id}/check',
  }[endpoint];
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  out(
    'Tessera bench: send -> code read off the console route -> check, over HTTP, real Redis + Postgres',
  );
  out(
    `machine: ${os.availableParallelism()} cores, ${cpus[0]?.model ?? 'unknown CPU'}, ` +
      `Node ${process.version}, ${os.platform()} ${os.release()}, ` +
      `UV_THREADPOOL_SIZE=${THREADPOOL_SIZE} (server and argon2 ceiling)`,
  );
  if (PROFILES.length === 0) throw new Error('BENCH_PROFILES names no known profile');
  const busy = await machineBusy(1_000);
  if (busy !== null) {
    out(`machine busy before the run: ${busy.toFixed(0)}% of all cores`);
    if (busy > BUSY_WARNING_PCT) {
      console.warn('bench: WARNING: other processes use the machine; the figures will be low');
    }
  }
  const results: ProfileResult[] = [];
  for (const profile of AUDIT_ONLY ? [] : PROFILES) {
    out();
    out(`[${profile}]`);
    results.push(await benchProfile(profile));
  }
  const auditFailures = new Failures();
  let variants: VariantResult[] = [];
  if (AUDIT_ROUNDS > 0 && (AUDIT_ONLY || PROFILES.includes('otp'))) {
    out();
    out(
      `[otp, audit write path] ${AUDIT_ROUNDS} rounds of ${USERS} users, closed loop, ${AUDIT_WARMUP_MS / 1000} s warm-up + ${AUDIT_ROUND_MS / 1000} s per variant, interleaved`,
    );
    variants = await benchAuditVariants({
      profile: 'otp',
      users: USERS,
      rounds: AUDIT_ROUNDS,
      warmupMs: AUDIT_WARMUP_MS,
      durationMs: AUDIT_ROUND_MS,
      threadpoolSize: THREADPOOL_SIZE,
      failures: auditFailures,
      progress: out,
    });
  }
  out();
  out('='.repeat(100));
  for (const result of results) report(result);
  if (variants.length > 0) reportVariants(variants, auditFailures);
  if (AUDIT_ONLY) {
    if (auditFailures.count > 0) process.exitCode = 1;
    return;
  }
  out();
  out('[smpp] one bound session to the local SMSC simulator, 32 submits in flight, 5 s');
  const smpp = await benchSmpp();
  out(
    `  submits/s ${smpp.messagesPerSecond.toFixed(1)} (${smpp.sent} sent, ${smpp.failed} failed); ` +
      `submit to receipt p50 / p99 ${smpp.receiptP50Ms.toFixed(1)} ms / ${smpp.receiptP99Ms.toFixed(1)} ms`,
  );
  out();
  out(
    `[subject keys] POST /v1/verify in process, with and without subject keys, alternating rounds`,
  );
  const keyed = await benchSubjectKeys();
  for (const f of keyed.figures) {
    out(
      `  ${f.variant.padEnd(22)} ${f.kind.padEnd(17)} ${f.sendsPerSecond.toFixed(1).padStart(7)} sends/s  ` +
        `p50 / p99 ${ms(f.p50Ms)} / ${ms(f.p99Ms)}`,
    );
  }
  out(
    `  load average ${keyed.loadAverage.map((l) => l.toFixed(2)).join(' ')}` +
      `${keyed.failures > 0 ? `; ${keyed.failures} FAILED SENDS` : ''}`,
  );
  out();
  out(
    'The reference floors are node:http with the same argon2 and only the I/O a conforming ' +
      'cycle needs (2 Redis round trips and 1 group-committed row per request), or no I/O at all: ' +
      'what the ratio goal leaves for everything else on this machine.',
  );
  out('Goals are measured, not asserted: a MISS does not fail the run; a failed cycle does.');
  const failed = results.reduce((sum, r) => sum + r.failures.count, auditFailures.count);
  if (failed > 0) {
    console.error(`bench: ${failed} cycles failed; the figures above are not a valid measurement`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  process.exitCode = 1;
});
