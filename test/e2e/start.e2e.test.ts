import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.ts';
import { createTestDatabase, createTestRedisPrefix, redisUrl } from '../helpers/real-stores.ts';
import {
  childEnv,
  cleanUpSpawned,
  launch,
  output,
  type Server,
  tempDir,
  waitForLog,
  within,
} from '../helpers/spawn-server.ts';

const TO = '+33612345678';
/** Every spelling of the test number a log line could leak. */
const NUMBER_SPELLINGS = ['+33612345678', '0612345678', '612345678'];

afterEach(cleanUpSpawned);

/**
 * The console route's printout: the `[console SMS] to …` header and the message lines after it
 * (up to the blank line that ends the block). The only lines allowed to hold a code or a number.
 */
function consolePrintout(server: Server): Set<number> {
  const allowed = new Set<number>();
  server.lines.forEach((line, index) => {
    if (line.stream !== 'stdout' || !line.text.startsWith('[console SMS] to ')) return;
    allowed.add(index);
    for (let next = index + 1; next < server.lines.length; next++) {
      const body = server.lines[next];
      if (body?.stream !== 'stdout' || body.text === '') break;
      allowed.add(next);
    }
  });
  return allowed;
}

describe('tessera serve, as started by `npm start`', () => {
  it('runs on the embedded default, sends and checks a code over HTTP, logs no code or number, stops on SIGTERM', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const server = launch(childEnv({ DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' }));

    const listening = await waitForLog(server, 'Tessera listening', 60_000);
    expect(listening).toMatchObject({
      codeStore: 'in-process',
      database: 'pglite',
      url: `http://127.0.0.1:${port}`,
      // The launcher sizes libuv's pool (where argon2 runs) to the cores, never below 2.
      threadpool: Math.max(2, availableParallelism()),
    });

    const apiKey = readFileSync(join(dataDir, 'dev-api-key'), 'utf8').trim();
    expect(apiKey).not.toBe('');
    const base = `http://127.0.0.1:${port}`;
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    const started = await call('POST', '/v1/verify', { to: TO });
    const verification = (await started.json()) as { id: string; status: string };
    expect(started.status, `${JSON.stringify(verification)}\n${output(server)}`).toBe(201);
    expect(verification.status).toBe('pending');
    expect(verification.id).toMatch(/^ver_/);

    const outbox = await call('GET', `/v1/dev/outbox?to=${encodeURIComponent(TO)}`);
    expect(outbox.status, output(server)).toBe(200);
    const { messages } = (await outbox.json()) as { messages: { to: string; text: string }[] };
    expect(messages).toHaveLength(1);
    expect(messages[0]?.to).toBe(TO);
    const code = /your code is (\d{6})\./.exec(messages[0]?.text ?? '')?.[1];
    expect(code, `no 6-digit code in ${JSON.stringify(messages[0])}`).toMatch(/^\d{6}$/);

    const checked = await call('POST', `/v1/verify/${verification.id}/check`, { code });
    expect(checked.status, output(server)).toBe(200);
    expect(await checked.json()).toMatchObject({
      id: verification.id,
      valid: true,
      status: 'approved',
    });

    server.child.kill('SIGTERM');
    const exit = await within(server.closed, 10_000, 'stopping after SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    // A clean stop: the runtime (PGlite under DATA_DIR) was closed, not abandoned.
    expect(server.lines.some((line) => line.text.includes('"msg":"stopped"'))).toBe(true);

    // The console route printed the message once, as the stand-in phone...
    const printout = consolePrintout(server);
    const headers = server.lines.filter((line) => line.text.startsWith('[console SMS] to '));
    expect(headers.map((line) => line.text)).toEqual([
      `[console SMS] to ${TO} (${verification.id})`,
    ]);
    expect([...printout].some((i) => server.lines[i]?.text.includes(code as string))).toBe(true);
    // ...and no other line (every pino log, anything on stderr) holds the code or the number.
    const codePattern = new RegExp(`(?<![0-9])${code}(?![0-9])`);
    const leaks = server.lines.filter(
      (line, index) =>
        !printout.has(index) &&
        (codePattern.test(line.text) || NUMBER_SPELLINGS.some((n) => line.text.includes(n))),
    );
    expect(leaks).toEqual([]);
    // The requests were logged (so the check above looked at real request logs).
    expect(server.lines.filter((line) => line.text.includes('"msg":"request"'))).toHaveLength(3);
  }, 120_000);

  it('NODE_ENV=production without SECRET_KEY, DATABASE_URL, REDIS_URL and SMS_ROUTES refuses to start, naming all four', async () => {
    const dataDir = join(tempDir(), 'data');
    const port = await freePort();
    const server = launch(
      childEnv({
        NODE_ENV: 'production',
        DATA_DIR: dataDir,
        PORT: String(port),
        LOG_LEVEL: 'info',
      }),
    );
    const exit = await within(server.closed, 60_000, 'the refused start');
    expect(exit.code, output(server)).not.toBe(0);
    expect(exit.code).not.toBeNull();
    const stderr = server.lines
      .filter((line) => line.stream === 'stderr')
      .map((line) => line.text)
      .join('\n');
    for (const name of ['SECRET_KEY', 'DATABASE_URL', 'REDIS_URL', 'SMS_ROUTES'])
      expect(stderr).toContain(name);
    // Refused before anything was generated: no dev secret, no embedded database.
    expect(existsSync(dataDir)).toBe(false);
    expect(server.lines.some((line) => line.text.includes('Tessera listening'))).toBe(false);
  }, 90_000);
});

/** Drops what the production starts below created (a database, Redis keys). */
const dropStores: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const drop of dropStores.splice(0)) await drop();
});

/**
 * NODE_ENV=production on this machine's real Redis and Postgres, as deploy/compose.yaml starts
 * it: a fresh database and key prefix, a real SECRET_KEY; SMS routes as the test says.
 */
async function productionEnv(overrides: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  const database = await createTestDatabase();
  const redis = createTestRedisPrefix();
  dropStores.push(database.drop, redis.drop);
  const dataDir = tempDir();
  return childEnv({
    NODE_ENV: 'production',
    SECRET_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl as string,
    REDIS_KEY_PREFIX: redis.prefix,
    DATA_DIR: dataDir,
    AUDIT_SPOOL_DIR: join(dataDir, 'spool'),
    PORT: String(await freePort()),
    LOG_LEVEL: 'info',
    // A fresh database, owned by the test's own role: the one place production may migrate at start.
    MIGRATE_ON_START: 'true',
    ...overrides,
  });
}

/** Waits until the server exits or listens; a refused start must exit without listening. */
async function refusedStart(server: Server): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (server.child.exitCode === null && server.child.signalCode === null) {
    if (server.lines.some((line) => line.text.includes('Tessera listening')))
      throw new Error(`the server started:\n${output(server)}`);
    if (Date.now() > deadline) throw new Error(`neither exited nor listened:\n${output(server)}`);
    await new Promise((done) => setTimeout(done, 50));
  }
  const exit = await server.closed;
  expect(exit.code, output(server)).not.toBe(0);
  expect(exit.code).not.toBeNull();
  return server.lines
    .filter((line) => line.stream === 'stderr')
    .map((line) => line.text)
    .join('\n');
}

describe.skipIf(!redisUrl)('production never prints codes to its logs by accident', () => {
  it('NODE_ENV=production without SMS_ROUTES (the console default) refuses to start, naming SMS_ROUTES', async () => {
    const server = launch(await productionEnv({}));
    const stderr = await refusedStart(server);
    expect(stderr).toMatch(/SMS_ROUTES: is required when NODE_ENV=production/);
    expect(stderr).toContain('SMS_ROUTES_FILE');
  }, 90_000);

  it('SMS_ROUTES=console in production refuses to start without the opt-in, naming it', async () => {
    const server = launch(await productionEnv({ SMS_ROUTES: 'console' }));
    const stderr = await refusedStart(server);
    expect(stderr).toMatch(
      /SMS_ROUTES: route "console" is the console route.*TESSERA_ALLOW_CONSOLE_IN_PRODUCTION=i-understand-codes-are-printed/,
    );
  }, 90_000);

  it('with TESSERA_ALLOW_CONSOLE_IN_PRODUCTION it starts, and says so at error level on every start', async () => {
    const server = launch(
      await productionEnv({
        SMS_ROUTES: 'console',
        TESSERA_ALLOW_CONSOLE_IN_PRODUCTION: 'i-understand-codes-are-printed',
      }),
    );
    await waitForLog(server, 'Tessera listening', 60_000);
    const loud = await waitForLog(server, 'TESSERA_ALLOW_CONSOLE_IN_PRODUCTION', 1_000);
    // pino's level 50 is `error`: what alerting on a production log stream picks up.
    expect(loud.level, JSON.stringify(loud)).toBe(50);
    expect(loud.msg).toMatch(/printed to stdout/);
    server.child.kill('SIGTERM');
    expect(await within(server.closed, 10_000, 'stopping after SIGTERM')).toEqual({
      code: 0,
      signal: null,
    });
  }, 90_000);
});
