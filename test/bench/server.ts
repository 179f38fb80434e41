import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { generateApiKey } from '../../src/access/api-key-format.ts';
import { AppSettingsSchema } from '../../src/kernel/app-settings.ts';
import type { HashProfileName } from '../../src/kernel/crypto/hash-profiles.ts';
import { freePort } from '../helpers/free-port.ts';
import { ConsoleInbox } from './console-inbox.ts';
import { probe } from './http-client.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = 'redis://127.0.0.1:6379';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Drops a bench database even with connections left. */
export const dropBenchDatabase = (name: string) =>
  admin(`drop database if exists ${name} with (force)`);

/** A fresh database for one profile's run; `drop` removes it even with connections left. */
export async function createBenchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tessera_bench_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => dropBenchDatabase(name) };
}

/** A key prefix of its own; `drop` deletes every key under it. */
export function createBenchRedisPrefix(): { prefix: string; drop: () => Promise<void> } {
  const prefix = `tessera-bench:${randomBytes(6).toString('hex')}:`;
  return {
    prefix,
    drop: async () => {
      const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await redis.unlink(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}

export interface BenchServer {
  port: number;
  apiKey: string;
  pid: number;
  /** The codes the console route printed. */
  inbox: ConsoleInbox;
  /** Rejects as soon as the server exits on its own (a crash in the middle of a phase). */
  crashed: Promise<never>;
  stop(): Promise<void>;
}

/**
 * Starts `node src/launcher.cjs serve` as a child process on a free port. The child's stderr is
 * passed on as it comes; its stdout (every SMS of the console route, and pino's logs) feeds a
 * ConsoleInbox, which hands codes to the cycles and keeps the log lines at warn or above to show
 * once the server stopped.
 */
export async function startBenchServer(options: {
  profile: HashProfileName;
  databaseUrl: string;
  redisPrefix: string;
  threadpoolSize: number;
  /** The server's SECRET_KEY (hex), when the bench must derive the same keys; random otherwise. */
  secretKey?: string;
  /**
   * `source` (default): the TypeScript sources through tsx, as in a checkout. `dist`: the
   * compiled build (`npm run build`) as the production image runs it, without tsx's compiler
   * state in the heap: what a memory figure should be taken on.
   */
  build?: 'source' | 'dist';
}): Promise<BenchServer> {
  const port = await freePort();
  const apiKey = generateApiKey(); // BOOTSTRAP_API_KEY must be a generated key
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: options.redisPrefix,
    SECRET_KEY: options.secretKey ?? randomBytes(32).toString('hex'),
    BOOTSTRAP_API_KEY: apiKey,
    CODE_HASH_PROFILE: options.profile,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    UV_THREADPOOL_SIZE: String(options.threadpoolSize),
  };
  delete env.NODE_ENV;
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  // UV_THREADPOOL_SIZE is in env, so dist/entry.js needs no launcher to set it first.
  const entry = options.build === 'dist' ? 'dist/entry.js' : 'src/launcher.cjs';
  const child = spawn(process.execPath, [...nodeArgs, entry, 'serve'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const inbox = new ConsoleInbox();
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => inbox.write(chunk));
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[server] ${chunk}`));

  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      resolve(code ?? (signal ? 128 : null));
    }),
  );
  let stopping = false;
  const crashed = exit.then((code) => {
    if (!stopping) throw new Error(`the Tessera server exited unexpectedly (code ${code})`);
    return new Promise<never>(() => {});
  });
  crashed.catch(() => {});

  let warningsShown = false;
  const stop = async () => {
    stopping = true;
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    }
    if (warningsShown) return;
    warningsShown = true;
    const { lines, skipped } = inbox.warnings();
    for (const line of lines) process.stderr.write(`[server] ${line}\n`);
    if (skipped > 0) process.stderr.write(`[server] … and ${skipped} more warnings\n`);
  };

  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (exited) throw new Error('the Tessera server exited before it was ready');
      if ((await probe(port, '/readyz')) === 200) break;
      if (Date.now() > deadline) throw new Error('the Tessera server was not ready within 30 s');
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, apiKey, pid: child.pid ?? 0, inbox, crashed, stop };
}

/**
 * Raises the bootstrap app's limits (api.md, Limits) far above what the bench can send, so that
 * every cycle still spends them (same Redis work) but none is refused. Written straight to
 * Postgres: the server reads an app's settings with its key, per request.
 */
export async function raiseAppLimits(databaseUrl: string): Promise<void> {
  const high = 10_000_000;
  const settings = AppSettingsSchema.parse({
    limits: {
      phoneSendHour: high,
      phoneSendDay: high,
      ipSendHour: high,
      phoneFailedChecksHour: high,
      ipCheckHour: high,
      appDailyBudget: high,
    },
    pumping: { prefixSendsPerWindow: high, countrySendsPerWindow: high },
  });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query("update apps set settings = $1 where name = 'default'", [
      JSON.stringify(settings),
    ]);
    if (result.rowCount !== 1) throw new Error('the app "default" was not created by the server');
  } finally {
    await client.end();
  }
}

export interface DatabaseActivity {
  /** Committed transactions (pg_stat_database: backends report at most once a second, so ≈). */
  transactions: number;
  /** Rows in audit_events (exact). */
  auditRows: number;
}

export async function databaseActivity(databaseUrl: string): Promise<DatabaseActivity> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const stats = await client.query<{ xact_commit: string }>(
      'select xact_commit from pg_stat_database where datname = current_database()',
    );
    const audit = await client.query<{ count: string }>('select count(*) from audit_events');
    return {
      transactions: Number(stats.rows[0]?.xact_commit ?? 0),
      auditRows: Number(audit.rows[0]?.count ?? 0),
    };
  } finally {
    await client.end();
  }
}

/** The server's audit-trail counters (its /metrics), to tell what a phase's requests waited for. */
export interface AuditCommits {
  /** Seconds requests waited for their rows, summed, and how many waits. */
  waitSeconds: number;
  waits: number;
  /** Rows committed, and in how many transactions. */
  rows: number;
  transactions: number;
}

export async function auditCommits(port: number): Promise<AuditCommits> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics: HTTP ${response.status}`);
  const text = await response.text();
  const value = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    if (!line) throw new Error(`GET /metrics: no ${name}`);
    return Number(line.slice(name.length + 1));
  };
  return {
    waitSeconds: value('tessera_audit_commit_wait_seconds_sum'),
    waits: value('tessera_audit_commit_wait_seconds_count'),
    rows: value('tessera_audit_batch_events_sum'),
    transactions: value('tessera_audit_batch_events_count'),
  };
}

/** The mean wait (ms) and rows per transaction between two readings. */
export function auditCommitsBetween(before: AuditCommits, after: AuditCommits) {
  const waits = after.waits - before.waits;
  const transactions = after.transactions - before.transactions;
  return {
    meanWaitMs: waits > 0 ? ((after.waitSeconds - before.waitSeconds) / waits) * 1000 : 0,
    rowsPerTransaction: transactions > 0 ? (after.rows - before.rows) / transactions : 0,
  };
}

/** Which reference floor (floor-server.ts): the least I/O a conforming cycle needs, or none. */
export type FloorKind = 'io' | 'bare';

/** A reference floor (floor-server.ts) as a child process, on the bench's database and prefix. */
export async function startFloorServer(options: {
  kind: FloorKind;
  profile: HashProfileName;
  databaseUrl: string;
  redisPrefix: string;
  threadpoolSize: number;
}): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const args = [
    '--import',
    'tsx',
    'test/bench/floor-server.ts',
    options.kind,
    options.profile,
    options.databaseUrl,
    REDIS_URL,
    options.redisPrefix,
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, UV_THREADPOOL_SIZE: String(options.threadpoolSize) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exit;
    clearTimeout(timer);
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(
        () => reject(new Error('the floor server was not ready in 30 s')),
        30_000,
      );
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const line = output.split('\n', 1)[0];
        if (output.includes('\n') && line) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { port: number }).port);
        }
      });
      void exit.then(() => {
        clearTimeout(timer);
        reject(new Error('the floor server exited before it was ready'));
      });
    });
    return { port, pid: child.pid ?? 0, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
