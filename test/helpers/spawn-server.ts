import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: where `npm start` runs `node src/launcher.cjs serve`. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Server {
  child: ChildProcess;
  /** Every complete line the child wrote, in order, tagged with its stream. */
  lines: { stream: 'stdout' | 'stderr'; text: string }[];
  /** Resolves once the child has exited and both streams are drained. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const servers = new Set<Server>();
const tempDirs: string[] = [];

/** Kills every server still running and removes every temp dir; call it from afterEach. */
export async function cleanUpSpawned(): Promise<void> {
  for (const server of servers) {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.closed;
    }
  }
  servers.clear();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A fresh directory, removed by cleanUpSpawned. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
  tempDirs.push(dir);
  return dir;
}

/** This process's environment without the stores (so the embedded default runs) and overrides. */
export function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
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

/** Starts `node src/launcher.cjs serve` from the repository root, as `npm start` does. */
export function launch(env: NodeJS.ProcessEnv): Server {
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
  servers.add(server);
  return server;
}

/** Everything the server wrote so far, for failure messages. */
export function output(server: Server): string {
  return server.lines.map((line) => `${line.stream}: ${line.text}`).join('\n');
}

/** The first pino JSON line whose msg contains `text`, waited for at most `ms`. */
export async function waitForLog(
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

export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
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
