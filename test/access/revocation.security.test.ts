import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/access/api-keys.ts';
import { redisRevocations } from '../../src/access/revocations.ts';
import { createApp } from '../../src/app.ts';
import { runCli } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime, type Runtime } from '../../src/infra.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { freePort } from '../helpers/free-port.ts';
import {
  createTestDatabase,
  createTestRedisPrefix,
  postgresUrl,
  redisUrl,
} from '../helpers/real-stores.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

/** The bound the README promises (Threat model): a revoked key is refused everywhere within 1 s. */
const REVOCATION_BOUND_MS = 1_000;

interface Instance {
  runtime: Runtime;
  /** A request that needs only a valid key (the dev outbox is process memory). */
  status(key: string): Promise<number>;
}

/**
 * Two Tessera processes in one: runtimes over the same Postgres database and Redis prefix, each
 * with its own principal cache, as two replicas behind a load balancer.
 */
describe.skipIf(redisUrl === null || postgresUrl === null)(
  'revocation reaches every instance (two runtimes, one database, one Redis prefix)',
  () => {
    let database: { url: string; drop: () => Promise<void> };
    let prefix: { prefix: string; drop: () => Promise<void> };
    const secretKey = randomBytes(32).toString('hex');
    const started: Instance[] = [];
    const proxies: TcpProxy[] = [];
    const dirs: string[] = [];

    function env(redis = redisUrl as string): Record<string, string> {
      const dataDir = mkdtempSync(join(tmpdir(), 'tessera-revocation-'));
      dirs.push(dataDir);
      return {
        DATABASE_URL: database.url,
        REDIS_URL: redis,
        REDIS_KEY_PREFIX: prefix.prefix,
        SECRET_KEY: secretKey,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
      };
    }

    async function startInstance(options: { redis?: string } = {}): Promise<Instance> {
      const runtime = await buildRuntime(loadConfig(env(options.redis)), {
        logger: createLogger('silent'),
        refusalFloorMs: 0,
        print: () => {},
      });
      const app = createApp(runtime.modules);
      const instance = {
        runtime,
        async status(key: string) {
          const response = await app.request('/v1/dev/outbox?to=%2B33612345678', {
            headers: { authorization: `Bearer ${key}` },
          });
          return response.status;
        },
      };
      started.push(instance);
      return instance;
    }

    /** The status `instance` answers `key` with once it refuses it, polled for at most `ms`. */
    async function refusedWithin(instance: Instance, key: string, ms: number): Promise<number> {
      const deadline = Date.now() + ms;
      for (;;) {
        const status = await instance.status(key);
        if (status === 401 || Date.now() >= deadline) return status;
        await new Promise((done) => setTimeout(done, 25));
      }
    }

    async function twoWarmInstances(options: { redisOfB?: string } = {}) {
      const a = await startInstance();
      const b = await startInstance({ redis: options.redisOfB });
      const created = await createApiKey({
        store: a.runtime.modules.access,
        appName: `revocation-${randomBytes(4).toString('hex')}`,
        scopes: ['verify'],
      });
      // Both caches now hold the key, the second request a hit: without a broadcast, each would
      // believe it for 10 s.
      for (const instance of [a, b]) {
        expect(await instance.status(created.key)).toBe(200);
        expect(await instance.status(created.key)).toBe(200);
      }
      return { a, b, created };
    }

    beforeAll(async () => {
      database = await createTestDatabase();
      prefix = createTestRedisPrefix();
    });

    afterEach(async () => {
      for (const instance of started.splice(0)) await instance.runtime.close();
      for (const proxy of proxies.splice(0)) await proxy.close();
    });

    afterAll(async () => {
      await database?.drop();
      await prefix?.drop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    it('an announced revocation reaches a listener on another connection, and bumps the counter', async () => {
      const publisher = new Redis(redisUrl as string);
      const listener = new Redis(redisUrl as string);
      const heard: string[] = [];
      try {
        const mine = redisRevocations(publisher, prefix.prefix);
        const theirs = redisRevocations(listener, prefix.prefix);
        const before = await theirs.version();
        const stop = await theirs.listen({
          revoked: (keyId) => heard.push(keyId),
          missed: () => {},
        });

        await mine.announce('key_announcedbyone00000000');
        const deadline = Date.now() + REVOCATION_BOUND_MS;
        while (heard.length === 0 && Date.now() < deadline)
          await new Promise((d) => setTimeout(d, 10));
        await stop();

        expect(heard).toEqual(['key_announcedbyone00000000']);
        expect(await theirs.version()).not.toBe(before);
      } finally {
        publisher.disconnect();
        listener.disconnect();
      }
    });

    it('a key revoked through one instance is refused by the other within 1 s', async () => {
      const { a, b, created } = await twoWarmInstances();

      expect(
        await revokeApiKey({ store: a.runtime.modules.access, keyId: created.id, now: new Date() }),
      ).toBe(true);

      expect(await a.status(created.key)).toBe(401);
      expect(await refusedWithin(b, created.key, REVOCATION_BOUND_MS)).toBe(401);
    });

    it('a key revoked with `tessera keys revoke` (no long-lived process) is refused by running instances within 1 s', async () => {
      const { a, b, created } = await twoWarmInstances();
      const out: string[] = [];
      const err: string[] = [];

      const code = await runCli(
        ['keys', 'revoke', created.id],
        { out: (line) => out.push(line), err: (line) => err.push(line) },
        env(),
      );

      expect({ code, out, err }).toEqual({ code: 0, out: [`revoked ${created.id}`], err: [] });
      expect(await refusedWithin(a, created.key, REVOCATION_BOUND_MS)).toBe(401);
      expect(await refusedWithin(b, created.key, REVOCATION_BOUND_MS)).toBe(401);
    });

    it('a revocation `keys revoke` cannot announce (Redis unreachable) still stands, and it says for how long instances may accept the key', async () => {
      const { created } = await twoWarmInstances();
      const err: string[] = [];

      const code = await runCli(
        ['keys', 'revoke', created.id],
        { out: () => {}, err: (line) => err.push(line) },
        { ...env(), REDIS_URL: `redis://127.0.0.1:${await freePort()}` },
      );

      expect(code).toBe(0);
      expect(err).toEqual([
        expect.stringMatching(
          new RegExp(
            `^warning: running instances could not be told .*refuses ${created.id} within 10 s$`,
          ),
        ),
      ]);
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const rows = await client.query('select revoked_at from api_keys where id = $1', [
          created.id,
        ]);
        expect(rows.rows[0]?.revoked_at).toBeInstanceOf(Date);
      } finally {
        await client.end();
      }
    });

    it('a revocation whose pub/sub message is lost is still refused within 1 s (revocation counter)', async () => {
      const { b, created } = await twoWarmInstances();

      // What B sees when the revoker's PUBLISH never reaches it (its subscriber was reconnecting):
      // the row is revoked and the counter (README, Administration) is bumped, but no message.
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query('update api_keys set revoked_at = now() where id = $1', [created.id]);
      } finally {
        await client.end();
      }
      const redis = new Redis(redisUrl as string);
      try {
        await redis.incr(`${prefix.prefix}access:revocations`);
      } finally {
        redis.disconnect();
      }

      // The counter is read at most once a second: refused within 1 s of the revocation.
      expect(await refusedWithin(b, created.key, REVOCATION_BOUND_MS + 100)).toBe(401);
    });

    it('an instance that cannot reach Redis stops believing its cache: a revocation it did not hear of is refused within 1 s', async () => {
      const url = new URL(redisUrl as string);
      const proxy = await startTcpProxy(url.hostname || '127.0.0.1', Number(url.port || 6379));
      proxies.push(proxy);
      const viaProxy = new URL(redisUrl as string);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      const { a, b, created } = await twoWarmInstances({ redisOfB: viaProxy.toString() });

      await proxy.cut(); // B hears neither the message nor the counter from now on
      expect(
        await revokeApiKey({ store: a.runtime.modules.access, keyId: created.id, now: new Date() }),
      ).toBe(true);

      expect(await refusedWithin(b, created.key, REVOCATION_BOUND_MS)).toBe(401);
    });
  },
);
