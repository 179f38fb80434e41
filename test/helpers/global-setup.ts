import { execFile, spawn } from 'node:child_process';
import {
  accessSync,
  chownSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { freePort } from './free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string | null;
    postgresUrl: string | null;
  }
}

/**
 * Finds the real Redis and PostgreSQL the suites run against, in this order: REDIS_URL /
 * DATABASE_URL; the default local servers; our own throwaway servers on free ports (torn down by
 * the returned teardown). Without them the real-store suites skip, behind a loud banner; with
 * TESSERA_REQUIRE_REAL_STORES=1 (CI) a missing store fails the run instead.
 */
export default async function setup(project: TestProject) {
  const teardowns: Teardown[] = [];
  const teardown = async () => {
    for (const step of teardowns.reverse())
      await step().catch((error) => warn(`teardown: ${errorText(error)}`));
  };
  try {
    const redis = await findStore(
      'Redis',
      [
        ['REDIS_URL', process.env.REDIS_URL],
        ['default local port', 'redis://127.0.0.1:6379'],
      ],
      redisProblem,
      () => startRedis(teardowns),
    );
    const postgres = await findStore(
      'PostgreSQL',
      [
        ['DATABASE_URL', process.env.DATABASE_URL],
        ['default local port', 'postgres://postgres@127.0.0.1:5432/postgres'],
        ['local unix socket', 'postgres://postgres@localhost/postgres?host=/var/run/postgresql'],
      ],
      postgresProblem,
      () => startPostgres(teardowns),
    );
    const missing = [redis, postgres].filter((store) => store.url === null);
    if (missing.length > 0 && process.env.TESSERA_REQUIRE_REAL_STORES === '1') {
      throw new Error(
        `TESSERA_REQUIRE_REAL_STORES=1 but no ${missing.map((s) => s.name).join(' and no ')} could be used:\n` +
          missing.flatMap((s) => s.problems.map((p) => `  ${s.name}: ${p}`)).join('\n'),
      );
    }
    if (missing.length > 0) printSkipBanner(project.config.root, missing);
    for (const store of [redis, postgres].filter((s) => s.url)) {
      for (const problem of store.problems) warn(`${store.name}: passed over ${problem}`);
    }
    console.error(
      `[tessera tests] real stores: Redis ${summary(redis)}; PostgreSQL ${summary(postgres)}`,
    );
    project.provide('redisUrl', redis.url);
    project.provide('postgresUrl', postgres.url);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

type Teardown = () => Promise<void>;
/** A reason the candidate cannot be used, or null when it can. */
type Probe = (url: string) => Promise<string | null>;

interface Store {
  name: string;
  url: string | null;
  via: string;
  /** Why each earlier candidate was passed over (also the reasons for skipping when url is null). */
  problems: string[];
}

async function findStore(
  name: string,
  candidates: [via: string, url: string | undefined][],
  probe: Probe,
  start: () => Promise<string>,
): Promise<Store> {
  const problems: string[] = [];
  for (const [via, url] of candidates) {
    if (!url) continue;
    const problem = await probe(url);
    if (problem === null) return { name, url, via, problems };
    problems.push(`${via} (${redact(url)}): ${problem}`);
  }
  try {
    return { name, url: await start(), via: 'started for this run', problems };
  } catch (error) {
    problems.push(`could not start one: ${errorText(error)}`);
    return { name, url: null, via: '', problems };
  }
}

const redisProblem: Probe = async (url) => {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
  // connect() rejects with a bare "Connection is closed."; the cause arrives as an 'error' event.
  let cause: unknown;
  redis.on('error', (error) => {
    cause = error;
  });
  try {
    await redis.connect();
    const pong = await redis.ping();
    return pong === 'PONG' ? null : `PING answered ${pong}`;
  } catch (error) {
    return errorText(cause ?? error);
  } finally {
    redis.disconnect();
  }
};

/** Suites create a database per file, so the role must be allowed to CREATE DATABASE. */
const postgresProblem: Probe = async (url) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ ok: boolean }>(
      'select rolcreatedb or rolsuper as ok from pg_roles where rolname = current_user',
    );
    return rows[0]?.ok ? null : 'answers, but its role may not CREATE DATABASE';
  } catch (error) {
    return errorText(error);
  } finally {
    await client.end().catch(() => {});
  }
};

async function startRedis(teardowns: Teardown[]): Promise<string> {
  const bin = findExecutable('redis-server', pathDirs());
  if (!bin) throw new Error('redis-server is not on PATH');
  const dir = mkdtempSync(join(tmpdir(), 'tessera-redis-'));
  teardowns.push(async () => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const log = join(dir, 'redis.log');
  const child = spawn(
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--logfile',
      log,
    ],
    { stdio: 'ignore' },
  );
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  child.on('error', () => {
    exited = true;
  });
  teardowns.push(async () => {
    if (exited) return;
    const gone = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    if ((await Promise.race([gone, sleep(5000, 'timeout')])) === 'timeout') child.kill('SIGKILL');
  });
  const url = `redis://127.0.0.1:${port}`;
  await waitUntilUsable(url, redisProblem, () =>
    exited ? `redis-server exited; ${tail(log)}` : null,
  );
  return url;
}

async function startPostgres(teardowns: Teardown[]): Promise<string> {
  const binDir = postgresBinDir();
  if (!binDir)
    throw new Error('initdb and pg_ctl are not on PATH nor in /usr/lib/postgresql/*/bin');
  // initdb refuses to run as root: then run the server as the postgres system user.
  let asUser: string[] = [];
  let owner: { uid: number; gid: number } | undefined;
  if (process.getuid?.() === 0) {
    owner = systemUser('postgres');
    if (!owner)
      throw new Error(
        'running as root (initdb refuses root) and there is no postgres user to run it as',
      );
    const runuser = findExecutable('runuser', [...pathDirs(), '/usr/sbin', '/sbin']);
    if (!runuser)
      throw new Error('running as root (initdb refuses root) and runuser is not available');
    asUser = [runuser, '-u', 'postgres', '--'];
  }
  const dir = mkdtempSync(join(tmpdir(), 'tessera-pg-'));
  teardowns.push(async () => rmSync(dir, { recursive: true, force: true }));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const run = (tool: string, args: string[]) => {
    const argv = [...asUser, join(binDir, tool), ...args];
    return execFileAsync(argv.shift() as string, argv, { timeout: 60_000 });
  };
  await run('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--no-locale',
    '--no-sync',
  ]).catch((error) => {
    throw new Error(`initdb failed: ${errorText(error)}`);
  });
  const port = await freePort();
  // Throwaway data: durability settings off for speed; the socket stays inside our directory.
  const options = `-p ${port} -k '${dir}' -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off`;
  const log = join(dir, 'postgres.log');
  try {
    await run('pg_ctl', ['-D', data, '-l', log, '-o', options, '-w', '-t', '30', 'start']);
  } catch (error) {
    throw new Error(`pg_ctl start failed: ${errorText(error)}; ${tail(log)}`);
  }
  teardowns.push(async () => {
    await run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitUntilUsable(url, postgresProblem);
  return url;
}

const execFileAsync = promisify(execFile);

async function waitUntilUsable(
  url: string,
  probe: Probe,
  gaveUp: () => string | null = () => null,
  ms = 15_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const problem = await probe(url);
    if (problem === null) return;
    const fatal = gaveUp();
    if (fatal) throw new Error(fatal);
    if (Date.now() > deadline)
      throw new Error(`${redact(url)} still unusable after ${ms} ms: ${problem}`);
    await sleep(100);
  }
}

function pathDirs(): string[] {
  return (process.env.PATH ?? '').split(delimiter).filter(Boolean);
}

function findExecutable(name: string, dirs: string[]): string | undefined {
  for (const dir of dirs) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

/** The first directory holding both initdb and pg_ctl: PATH, then Debian's versioned dirs, newest first. */
function postgresBinDir(): string | undefined {
  let versions: string[] = [];
  try {
    versions = readdirSync('/usr/lib/postgresql').sort(
      (a, b) => Number(b) - Number(a) || b.localeCompare(a),
    );
  } catch {}
  const dirs = [...pathDirs(), ...versions.map((v) => `/usr/lib/postgresql/${v}/bin`)];
  return dirs.find((dir) => findExecutable('initdb', [dir]) && findExecutable('pg_ctl', [dir]));
}

function systemUser(name: string): { uid: number; gid: number } | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const [user, , uid, gid] = line.split(':');
      if (user === name) return { uid: Number(uid), gid: Number(gid) };
    }
  } catch {}
  return undefined;
}

function tail(file: string): string {
  try {
    return `log ends: ${readFileSync(file, 'utf8').trim().split('\n').slice(-5).join(' | ')}`;
  } catch {
    return 'no log';
  }
}

/** Connection URLs may carry a password; this run's log must not. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    for (const key of ['password', 'sslpassword'])
      if (parsed.searchParams.has(key)) parsed.searchParams.delete(key);
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}

function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0)
    return error.errors.map(errorText).join('; ');
  if (error instanceof Error) {
    const message = error.message || (error as NodeJS.ErrnoException).code || error.name;
    // A failed child process: the first line names the command, the end of its stderr says why.
    const stderr = (error as { stderr?: unknown }).stderr;
    if (typeof stderr !== 'string' || !stderr.trim()) return message;
    return `${message.split('\n')[0]} (${stderr.trim().split('\n').slice(-3).join(' | ')})`;
  }
  return String(error);
}

function summary(store: Store): string {
  return store.url ? `${redact(store.url)} (${store.via})` : 'none (its suites skip)';
}

function warn(message: string) {
  console.error(`[tessera tests] ${message}`);
}

const STORE_NAMES: Record<string, RegExp> = {
  Redis: /\b(redisUrl|createTestRedisPrefix)\b/,
  PostgreSQL: /\b(postgresUrl|createTestDatabase)\b/,
};

function printSkipBanner(root: string, missing: Store[]) {
  const bar = '#'.repeat(100);
  const lines = [bar, '#  REAL-STORE TESTS WILL BE SKIPPED', '#'];
  for (const store of missing) {
    lines.push(`#  No ${store.name}:`);
    for (const problem of store.problems) lines.push(`#    - ${problem}`);
    const suites = suitesUsing(root, STORE_NAMES[store.name] as RegExp);
    lines.push(
      `#  Suites that need ${store.name} and will skip: ${suites.length ? '' : '(none found)'}`,
    );
    for (const suite of suites) lines.push(`#    * ${suite}`);
    lines.push('#');
  }
  lines.push(
    '#  Fix: set REDIS_URL / DATABASE_URL, run the servers on their default local ports, or install',
    '#  redis-server / PostgreSQL (initdb, pg_ctl) so the run can start its own.',
    '#  Set TESSERA_REQUIRE_REAL_STORES=1 to make this a failure (.ci/run does).',
    bar,
  );
  console.error(`\n${lines.join('\n')}\n`);
}

/**
 * Test files that use the store, directly or through a test helper (found by reading the sources,
 * so the banner can name them before any suite runs). real-stores.ts itself exports every name,
 * so it does not count as a user: a suite counts by the names it takes from it.
 */
function suitesUsing(root: string, names: RegExp): string[] {
  const testDir = join(root, 'test');
  const sources = new Map<string, string>();
  try {
    for (const entry of readdirSync(testDir, { recursive: true, encoding: 'utf8' })) {
      if (entry.endsWith('.ts'))
        sources.set(join(testDir, entry), readFileSync(join(testDir, entry), 'utf8'));
    }
  } catch {
    return [];
  }
  const providers = new Set([
    join(testDir, 'helpers/real-stores.ts'),
    join(testDir, 'helpers/global-setup.ts'),
  ]);
  const users = new Set(
    [...sources].filter(([file, text]) => !providers.has(file) && names.test(text)).map(([f]) => f),
  );
  const withoutExt = (file: string) => file.replace(/\.[cm]?[jt]s$/, '');
  for (let grew = true; grew; ) {
    grew = false;
    const userModules = new Set([...users].map(withoutExt));
    for (const [file, text] of sources) {
      if (users.has(file)) continue;
      const imports = [...text.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) =>
        withoutExt(resolve(dirname(file), m[1] as string)),
      );
      if (imports.some((module) => userModules.has(module))) {
        users.add(file);
        grew = true;
      }
    }
  }
  return [...users]
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => relative(root, file))
    .sort();
}
