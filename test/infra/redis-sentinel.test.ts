import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime } from '../../src/infra.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { redisUrl, scanKeys } from '../helpers/real-stores.ts';
import { type Sentinel, sentinelProblem, startSentinel } from '../helpers/sentinel.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

const real = BACKENDS[0] as (typeof BACKENDS)[0];
const problem = sentinelProblem();
if (problem && process.env.TESSERA_REQUIRE_REAL_STORES === '1') throw new Error(problem);

describe.skipIf(!real.available || problem !== null)('REDIS_URL through Redis Sentinel', () => {
  let sentinel: Sentinel;
  let t: TestApp;
  beforeAll(async () => {
    const master = new URL(redisUrl as string);
    sentinel = await startSentinel({ host: master.hostname, port: Number(master.port || 6379) });
    t = await startTestApp(real, {
      env: { REDIS_URL: `redis+sentinel://127.0.0.1:${sentinel.port}/${sentinel.masterName}` },
    });
  });
  afterAll(async () => {
    await t?.close();
    await sentinel?.stop();
  });

  it('finds the master through the sentinel: codes and limits live there, a cycle approves', async () => {
    expect((await t.call('GET', '/readyz', { key: null })).status).toBe(200);
    const to = '+33612345678';
    const sent = await t.call('POST', '/v1/verify', { body: { to } });
    expect(sent.status).toBe(201);
    const { id } = (await sent.json()) as { id: string };
    const checked = await t.call('POST', `/v1/verify/${id}/check`, {
      body: { code: await t.lastCode(to) },
    });
    expect(await checked.json()).toMatchObject({ valid: true, status: 'approved' });

    const master = new Redis(redisUrl as string);
    try {
      expect((await scanKeys(master, t.redisKeyPrefix as string)).length).toBeGreaterThan(0);
    } finally {
      master.disconnect();
    }
  });

  it('a master name no sentinel knows fails the start, saying so, instead of waiting for ever', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-sentinel-app-'));
    try {
      const config = loadConfig({
        DATA_DIR: dataDir,
        SECRET_KEY: randomBytes(32).toString('hex'),
        REDIS_URL: `redis+sentinel://127.0.0.1:${sentinel.port}/no-such-master`,
      });
      const started = Date.now();
      await expect(
        buildRuntime(config, {
          logger: createLogger('silent'),
          pgliteInMemory: true,
          print: () => {},
          redisStartTimeoutMs: 1_000,
        }),
      ).rejects.toThrow(
        // Whichever comes first: the sentinel's own answer (ioredis's last error), or the timeout.
        new RegExp(
          `^REDIS_URL: could not connect to master "no-such-master" through the sentinels 127\\.0\\.0\\.1:${sentinel.port} \\((no sentinel named master "no-such-master" within 1 s|.*No such master with that name)\\)$`,
        ),
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
