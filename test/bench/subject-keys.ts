/**
 * What a subject key costs a send (README, Subjects and erasure), measured in `npm run bench`:
 * two runtimes in this process over the same Postgres and Redis, one with subject keys (the
 * service as it ships) and one with the numbers HMAC'd under the app's key as before, driven in
 * alternating rounds so that the machine's drift falls on both alike. Each round sends codes to
 * numbers never seen (the subject key is made: one SELECT and one INSERT) and to numbers seen
 * before (one SELECT). In process and without network, so what differs is the send's own work.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createApiKey } from '../../src/access/api-keys.ts';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime, type Runtime } from '../../src/infra.ts';
import { AppSettingsSchema } from '../../src/kernel/app-settings.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { percentile } from './load.ts';
import { createBenchDatabase, createBenchRedisPrefix, REDIS_URL } from './server.ts';

const ROUNDS = 4;
const SENDS_PER_ROUND = 200;
const IN_FLIGHT = 8;

type Variant = 'with subject keys' | 'app key only (before)';
type Kind = 'first contact' | 'returning number';

export interface SubjectKeyFigures {
  variant: Variant;
  kind: Kind;
  sendsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface SubjectKeysResult {
  figures: SubjectKeyFigures[];
  loadAverage: number[];
  failures: number;
}

interface Target {
  variant: Variant;
  runtime: Runtime;
  send(to: string): Promise<number>;
}

export async function benchSubjectKeys(): Promise<SubjectKeysResult> {
  const database = await createBenchDatabase();
  const redis = createBenchRedisPrefix();
  const targets: Target[] = [];
  try {
    const config = loadConfig({
      DATABASE_URL: database.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: redis.prefix,
      SECRET_KEY: 'ab'.repeat(32),
      CODE_HASH_PROFILE: 'otp',
      LOG_LEVEL: 'silent',
    });
    for (const [variant, perSubjectKeys] of [
      ['with subject keys', true],
      ['app key only (before)', false],
    ] as const) {
      const runtime = await buildRuntime(config, {
        logger: createLogger('silent'),
        print: () => {},
        refusalFloorMs: 0,
        perSubjectKeys,
      });
      const { key } = await createApiKey({
        store: runtime.modules.access,
        appName: 'default',
        scopes: ['verify'],
      });
      const app = createApp(runtime.modules);
      targets.push({
        variant,
        runtime,
        async send(to) {
          const started = performance.now();
          const response = await app.request('/v1/verify', {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ to }),
          });
          await response.arrayBuffer();
          if (response.status !== 201) throw new Error(`send answered ${response.status}`);
          return performance.now() - started;
        },
      });
    }
    await unlimited(database.url);

    const samples = new Map<string, number[]>();
    const elapsed = new Map<string, number>();
    let failures = 0;
    let next = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // A, B, then B, A: neither variant always runs first.
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const target of order) {
        const fresh = Array.from({ length: SENDS_PER_ROUND }, () => numberOf(next++));
        for (const [kind, numbers] of [
          ['first contact', fresh],
          ['returning number', fresh],
        ] as const) {
          const key = `${target.variant}|${kind}`;
          const started = performance.now();
          const latencies = await inFlight(numbers, IN_FLIGHT, (to) =>
            target.send(to).catch(() => {
              failures++;
              return null;
            }),
          );
          elapsed.set(key, (elapsed.get(key) ?? 0) + (performance.now() - started));
          samples.set(key, [
            ...(samples.get(key) ?? []),
            ...latencies.filter((l): l is number => l !== null),
          ]);
        }
      }
    }
    const figures: SubjectKeyFigures[] = [];
    for (const target of targets) {
      for (const kind of ['first contact', 'returning number'] as const) {
        const key = `${target.variant}|${kind}`;
        const values = samples.get(key) ?? [];
        figures.push({
          variant: target.variant,
          kind,
          sendsPerSecond: values.length / ((elapsed.get(key) ?? 1) / 1000),
          p50Ms: percentile(values, 50),
          p99Ms: percentile(values, 99),
        });
      }
    }
    return { figures, loadAverage: os.loadavg(), failures };
  } finally {
    for (const target of targets) await target.runtime.close();
    await database.drop().catch((error) => console.error(`bench: dropping the database: ${error}`));
    await redis.drop().catch((error) => console.error(`bench: deleting Redis keys: ${error}`));
  }
}

/** A French mobile number of its own for each n. */
const numberOf = (n: number) => `+3361${String(n).padStart(7, '0')}`;

/** Runs `work` over the items with `limit` of them in flight; results in item order. */
async function inFlight<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>) {
  const results: R[] = [];
  let index = 0;
  const worker = async () => {
    while (index < items.length) {
      const i = index++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

/** No limit or cooldown gets in the way of a number sent to twice in a row. */
async function unlimited(databaseUrl: string): Promise<void> {
  const high = 10_000_000;
  const settings = AppSettingsSchema.parse({
    limits: {
      phoneSendHour: high,
      phoneSendDay: high,
      ipSendHour: high,
      appDailyBudget: high,
      resendCooldownSeconds: 0,
    },
    pumping: { prefixSendsPerWindow: high, countrySendsPerWindow: high },
  });
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("update apps set settings = $1 where name = 'default'", [
      JSON.stringify(settings),
    ]);
  } finally {
    await client.end();
  }
}
