import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '../../src/access/api-keys.ts';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime, type Runtime } from '../../src/infra.ts';
import type { Clock } from '../../src/kernel/clock.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { createTestDatabase, createTestRedisPrefix, postgresUrl, redisUrl } from './real-stores.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

/**
 * Limits far above what functional tests send, so only the limit suites meet the defaults: no
 * cooldown between two sends to one number either (a suite about it states it).
 */
export const GENEROUS_SETTINGS = {
  limits: {
    resendCooldownSeconds: 0,
    phoneSendHour: 10_000,
    phoneSendDay: 10_000,
    ipSendHour: 10_000,
    phoneFailedChecksHour: 10_000,
    ipCheckHour: 10_000,
  },
  pumping: { prefixSendsPerWindow: 10_000, countrySendsPerWindow: 10_000, minConversion: 0 },
};

/** GENEROUS_SETTINGS with the limits and pumping values a test is about, and any other setting. */
export function settingsWith(overrides: {
  limits?: Record<string, number>;
  pumping?: Record<string, unknown>;
  [setting: string]: unknown;
}): Record<string, unknown> {
  const { limits, pumping, ...rest } = overrides;
  return {
    ...rest,
    limits: { ...GENEROUS_SETTINGS.limits, ...limits },
    pumping: { ...GENEROUS_SETTINGS.pumping, ...pumping },
  };
}

export interface Backend {
  name: string;
  real: boolean;
  available: boolean;
}

/** Every integration suite runs on both: the real servers of this machine and the embedded default. */
export const BACKENDS: Backend[] = [
  { name: 'Redis + Postgres', real: true, available: redisUrl !== null && postgresUrl !== null },
  { name: 'embedded (in-process + PGlite)', real: false, available: true },
];

/** A clock tests move by hand; starts at the real time so Redis TTLs stay meaningful. */
export function createTestClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
}

export interface TestApp {
  runtime: Runtime;
  app: ReturnType<typeof createApp>;
  /** API keys: app A with `verify`, app B with `verify`, app A with only `audit:read`. */
  keys: { a: string; b: string; aAuditOnly: string };
  /** Everything the console route printed. */
  printed: string[];
  /** Called as each SMS is printed (the moment it "leaves"), for fault tests to act right then. */
  onPrint: ((text: string) => void) | null;
  /** Every log line the service wrote (level debug and up). */
  logs: string[];
  secretKey: string;
  redisKeyPrefix: string | null;
  databaseUrl: string | null;
  /** With `throughProxies`: relays in front of Redis and Postgres that a test can cut. */
  proxies: { redis: TcpProxy; postgres: TcpProxy } | null;
  call(
    method: string,
    path: string,
    options?: { key?: string | null; body?: unknown; raw?: string },
  ): Promise<Response>;
  /** The code of the newest SMS to that number, read from the dev outbox. */
  lastCode(to: string, key?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startTestApp(
  backend: Backend,
  options: {
    clock?: Clock;
    env?: Record<string, string>;
    throughProxies?: boolean;
    /** Settings of app-a and app-b; by default limits high enough for functional tests. */
    settings?: Record<string, unknown>;
    refusalFloorMs?: number;
  } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
  const database = backend.real ? await createTestDatabase() : null;
  const redis = backend.real ? createTestRedisPrefix() : null;
  const proxies =
    backend.real && options.throughProxies
      ? {
          redis: await proxyFor(redisUrl as string, 6379),
          postgres: await proxyFor(database?.url as string, 5432),
        }
      : null;
  const secretKey = randomBytes(32).toString('hex');
  const config = loadConfig({
    DATA_DIR: dataDir,
    SECRET_KEY: secretKey,
    LOG_LEVEL: 'silent',
    ...(database ? { DATABASE_URL: viaProxy(database.url, proxies?.postgres) } : {}),
    ...(redis
      ? { REDIS_URL: viaProxy(redisUrl as string, proxies?.redis), REDIS_KEY_PREFIX: redis.prefix }
      : {}),
    ...options.env,
  });
  const printed: string[] = [];
  const logs: string[] = [];
  let testApp: TestApp | null = null;
  const release = async () => {
    await proxies?.redis.close();
    await proxies?.postgres.close();
    await database?.drop();
    await redis?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const runtime = await buildRuntime(config, {
    logger: createLogger('debug', { write: (line: string) => void logs.push(line) }),
    pgliteInMemory: true,
    refusalFloorMs: options.refusalFloorMs ?? 0,
    print: (text) => {
      printed.push(text);
      testApp?.onPrint?.(text);
    },
    ...(options.clock ? { clock: options.clock } : {}),
  }).catch(async (error: unknown) => {
    // A start that failed leaves no test database, keys or directory behind.
    await release();
    throw error;
  });
  const store = runtime.modules.access;
  const a = await createApiKey({ store, appName: 'app-a', scopes: ['verify'] });
  const b = await createApiKey({ store, appName: 'app-b', scopes: ['verify'] });
  const keys = {
    a: a.key,
    b: b.key,
    aAuditOnly: (await createApiKey({ store, appName: 'app-a', scopes: ['audit:read'] })).key,
  };
  for (const appId of [a.appId, b.appId]) {
    await store.updateApp(appId, { settings: options.settings ?? GENEROUS_SETTINGS }, []);
  }
  const app = createApp(runtime.modules);

  const call: TestApp['call'] = async (method, path, { key = keys.a, body, raw } = {}) => {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
    return app.request(path, {
      method,
      headers,
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
  };

  testApp = {
    runtime,
    app,
    keys,
    printed,
    onPrint: null,
    logs,
    secretKey,
    redisKeyPrefix: redis?.prefix ?? null,
    databaseUrl: database?.url ?? null,
    proxies,
    call,
    async lastCode(to, key = keys.a) {
      const response = await call('GET', `/v1/dev/outbox?to=${encodeURIComponent(to)}`, { key });
      const { messages } = (await response.json()) as { messages: { text: string }[] };
      const code = messages[0]?.text.match(/\b(\d{4,10})\b/)?.[1];
      if (!code) throw new Error(`no code in the outbox for ${to}`);
      return code;
    },
    async close() {
      await runtime.close();
      await release();
    },
  };
  return testApp;
}

function proxyFor(url: string, defaultPort: number): Promise<TcpProxy> {
  const parsed = new URL(url);
  return startTcpProxy(parsed.hostname || '127.0.0.1', Number(parsed.port || defaultPort));
}

function viaProxy(url: string, proxy: TcpProxy | undefined): string {
  if (!proxy) return url;
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(proxy.port);
  return parsed.toString();
}
