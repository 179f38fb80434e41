import { createServer, type Server as NetServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.ts';
import { postgresUrl } from '../helpers/real-stores.ts';
import {
  childEnv,
  cleanUpSpawned,
  launch,
  output,
  tempDir,
  within,
} from '../helpers/spawn-server.ts';

const PASSWORD = 'hunter2-e2e-pa55word';

const listeners: NetServer[] = [];
afterEach(async () => {
  await cleanUpSpawned();
  for (const listener of listeners.splice(0)) await new Promise((done) => listener.close(done));
});

/** Starts the real server on this environment and waits for it to give up. */
async function refusedStart(overrides: Record<string, string>, ms = 60_000) {
  const server = launch(
    childEnv({ DATA_DIR: tempDir(), PORT: String(await freePort()), ...overrides }),
  );
  const exit = await within(server.closed, ms, 'the refused start');
  const stderr = server.lines.filter((line) => line.stream === 'stderr').map((line) => line.text);
  return { exit, stderr: stderr.join('\n'), all: output(server), server };
}

function expectClearRefusal(
  refused: Awaited<ReturnType<typeof refusedStart>>,
  expected: RegExp[],
): void {
  expect(refused.exit.code, refused.all).toBe(1);
  for (const pattern of expected) expect(refused.stderr).toMatch(pattern);
  // One short message: no stack trace, no secret, and it never got as far as listening.
  expect(refused.all).not.toMatch(/^\s+at /m);
  expect(refused.all).not.toContain(PASSWORD);
  expect(refused.all).not.toContain('Tessera listening');
}

describe('a start that cannot work says why in one line, and exits non-zero', () => {
  it('DATABASE_URL without a user', async () => {
    const refused = await refusedStart({ DATABASE_URL: `postgres://:${PASSWORD}@127.0.0.1/x` });
    expectClearRefusal(refused, [
      /^tessera: invalid configuration:$/m,
      /DATABASE_URL: has no user/,
    ]);
  }, 90_000);

  it('several mistakes at once: every one is named', async () => {
    const refused = await refusedStart({
      NODE_ENV: 'staging',
      SECRET_KEY: PASSWORD,
      TRUST_PROXY: '10.0.0.0/40',
      SMS_ROUTES: `[{"name":"primary","provider":"twilio","authToken":"${PASSWORD}",}]`,
    });
    expectClearRefusal(refused, [
      /NODE_ENV: must be one of development, production, test/,
      /SECRET_KEY: is neither hex nor/,
      /TRUST_PROXY: "10\.0\.0\.0\/40" is not an IP or CIDR range/,
      /SMS_ROUTES: is not valid JSON/,
    ]);
  }, 90_000);

  it('Postgres not there: DATABASE_URL, the address and the reason, and no password', async () => {
    const port = await freePort();
    const refused = await refusedStart({
      DATABASE_URL: `postgres://tessera:${PASSWORD}@127.0.0.1:${port}/tessera`,
    });
    expectClearRefusal(refused, [
      new RegExp(
        `^tessera: DATABASE_URL: could not connect to 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)$`,
        'm',
      ),
    ]);
  }, 90_000);

  it('Redis not there: REDIS_URL, the address and the reason, and no password', async () => {
    const port = await freePort();
    const refused = await refusedStart({ REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${port}/0` });
    expectClearRefusal(refused, [
      new RegExp(
        `^tessera: REDIS_URL: could not connect to 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)$`,
        'm',
      ),
    ]);
  }, 90_000);

  // Only with this machine's Postgres to refuse them.
  const server = postgresUrl;
  if (server !== null)
    it('Postgres refuses the credentials: its reason, and no password', async () => {
      const url = new URL(server);
      url.username = 'tessera_no_such_role';
      url.password = PASSWORD;
      const refused = await refusedStart({ DATABASE_URL: url.href });
      expectClearRefusal(refused, [
        /^tessera: DATABASE_URL: could not connect to [^ ]+:\d+ \(.*tessera_no_such_role.*\)$/m,
      ]);
    }, 90_000);

  it('PORT taken by another process', async () => {
    const listener = createServer();
    listeners.push(listener);
    const port = await new Promise<number>((done) =>
      listener.listen(0, '127.0.0.1', () => done((listener.address() as { port: number }).port)),
    );
    // Refused only once the runtime is built (the embedded database under a loaded machine: slow).
    const refused = await refusedStart({ PORT: String(port), HOST: '127.0.0.1' }, 150_000);
    expectClearRefusal(refused, [
      new RegExp(`^tessera: PORT: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)$`, 'm'),
    ]);
  }, 180_000);
});
