import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TO = '+33612345678';
/** Every spelling of the test number a log line could leak. */
const NUMBER_SPELLINGS = ['+33612345678', '0612345678', '612345678'];

interface Server {
  child: ChildProcess;
  /** Every complete line the child wrote, in order, tagged with its stream. */
  lines: { stream: 'stdout' | 'stderr'; text: string }[];
  /** Resolves once the child has exited and both streams are drained. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<Server>();
const tempDirs: string[] = [];

afterEach(async () => {
  for (const server of children) {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.closed;
    }
  }
  children.clear();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
  tempDirs.push(dir);
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

/** This process's environment without the stores (so the embedded default runs) and overrides. */
function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // UV_THREADPOOL_SIZE too: the launcher must size the pool itself. The others could turn the
  // embedded default into something else if the developer's shell happens to set them.
  for (const name of [
    'DATABASE_URL',
    'REDIS_URL',
    'UV_THREADPOOL_SIZE',
    'SECRET_KEY',
    'BOOTSTRAP_API_KEY',
    'NODE_ENV',
    'SMS_ROUTES',
    'WEBOTP_DOMAIN',
    'CODE_HASH_PROFILE',
    'HOST',
  ])
    delete env[name];
  return { ...env, ...overrides };
}

function launch(env: NodeJS.ProcessEnv): Server {
  const child = spawn(process.execPath, ['src/launcher.cjs', 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Server['lines'] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    let partial = '';
    const source = child[stream];
    source?.setEncoding('utf8');
    source?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts) lines.push({ stream, text });
    });
    source?.on('end', () => {
      if (partial) lines.push({ stream, text: partial });
      partial = '';
    });
  }
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('close', (code, signal) => done({ code, signal })),
  );
  const server = { child, lines, closed };
  children.add(server);
  return server;
}

function output(server: Server): string {
  return server.lines.map((line) => `${line.stream}: ${line.text}`).join('\n');
}

/** The first pino JSON line whose msg contains `text`, waited for at most `ms`. */
async function waitForLog(
  server: Server,
  text: string,
  ms: number,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + ms;
  for (;;) {
    for (const line of server.lines) {
      if (!line.text.startsWith('{')) continue;
      const entry = JSON.parse(line.text) as Record<string, unknown>;
      if (typeof entry.msg === 'string' && entry.msg.includes(text)) return entry;
    }
    if (server.child.exitCode !== null || server.child.signalCode !== null)
      throw new Error(`the server exited before logging "${text}":\n${output(server)}`);
    if (Date.now() > deadline)
      throw new Error(`no "${text}" log line within ${ms} ms:\n${output(server)}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

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

  it('NODE_ENV=production without SECRET_KEY, DATABASE_URL and REDIS_URL refuses to start, naming all three', async () => {
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
    for (const name of ['SECRET_KEY', 'DATABASE_URL', 'REDIS_URL']) expect(stderr).toContain(name);
    // Refused before anything was generated: no dev secret, no embedded database.
    expect(existsSync(dataDir)).toBe(false);
    expect(server.lines.some((line) => line.text.includes('Tessera listening'))).toBe(false);
  }, 90_000);
});
