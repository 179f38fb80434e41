import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Database, migrateDatabase, openDatabase } from '../../src/db/database.ts';
import { apps } from '../../src/db/schema.ts';
import { newId } from '../../src/kernel/ids.ts';
import { eventOfOutbox } from '../../src/webhooks/audit-to-event.ts';
import type { WebhooksDeps } from '../../src/webhooks/deps.ts';
import { createDispatcher, LEASE_MS } from '../../src/webhooks/dispatcher.ts';
import { postPinned, type Resolver } from '../../src/webhooks/egress.ts';
import type { WebhookEventType } from '../../src/webhooks/event-types.ts';
import { createEndpoint } from '../../src/webhooks/manage-endpoints.ts';
import { createPostgresWebhookStore } from '../../src/webhooks/postgres-webhook-store.ts';
import { MAX_ATTEMPTS } from '../../src/webhooks/retry-schedule.ts';
import { createTestDatabase, postgresUrl } from '../helpers/real-stores.ts';
import { createTestClock } from '../helpers/test-app.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

/** A database that outlives the handle on it, as one outlives a Tessera process. */
interface Durable {
  open(): Promise<Database>;
  drop(): Promise<void>;
}

/**
 * Real Postgres, and PGlite: on disk where a test restarts it (slow), in memory otherwise. Only
 * Postgres takes a second process; a second PGlite on one directory would be another database.
 */
const BACKENDS = [
  {
    name: 'postgres',
    available: postgresUrl !== null,
    multiProcess: true,
    durable: async (_onDisk: boolean): Promise<Durable> => {
      const testDb = await createTestDatabase();
      return { open: () => openDatabase({ url: testDb.url }), drop: testDb.drop };
    },
  },
  {
    name: 'pglite',
    available: true,
    multiProcess: false,
    durable: async (onDisk: boolean): Promise<Durable> => {
      if (!onDisk) return { open: () => openDatabase({ pgliteDir: null }), drop: async () => {} };
      const dir = mkdtempSync(join(tmpdir(), 'tessera-webhooks-'));
      return {
        open: () => openDatabase({ pgliteDir: dir }),
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
];

const DEV = { allowLoopback: true, allowPrivate: false };
// Only published events here: no verification is ever read.
const eventOf = eventOfOutbox(async () => null);

describe.each(BACKENDS)('webhook queue: $name', (backend) => {
  const test = backend.available ? it : it.skip;
  const secretKey = randomBytes(32);
  let durable: Durable;
  let database: Database;
  let receiver: WebhookReceiver;
  let clock: ReturnType<typeof createTestClock>;
  let appId: string;
  const errors: unknown[] = [];

  beforeEach(async (context) => {
    if (!backend.available) return;
    durable = await backend.durable(context.task.name.includes('restart'));
    database = await durable.open();
    await migrateDatabase(database);
    appId = newId('app');
    await database.db.insert(apps).values({ id: appId, name: `app-${appId}` });
    receiver = await startWebhookReceiver();
    clock = createTestClock();
    errors.length = 0;
  });
  afterEach(async () => {
    await receiver?.close();
    await database?.close();
    await durable?.drop();
  });

  const depsOver = (db: Database, resolve: Resolver = async (host) => [host]): WebhooksDeps => ({
    clock,
    store: createPostgresWebhookStore(db),
    policy: DEV,
    resolve,
    secretKey,
  });
  const dispatcherOver = (db: Database, resolve?: Resolver) => {
    const deps = depsOver(db, resolve);
    return createDispatcher({
      ...deps,
      post: postPinned,
      eventOf,
      onError: (error) => errors.push(error),
    });
  };
  const register = (db: Database, url = receiver.url, resolve?: Resolver) =>
    createEndpoint(depsOver(db, resolve), {
      appId,
      url,
      events: ['signature.signed'],
      description: null,
    });
  const publish = (db: Database, n: number, type: WebhookEventType = 'signature.signed') =>
    createPostgresWebhookStore(db).publish({
      messageId: newId('msg'),
      appId,
      type,
      at: new Date(clock.now()),
      data: { n },
    });
  /** What each request carried, in the order it came. */
  const numbers = () =>
    receiver.received.map((r) => (JSON.parse(r.body) as { data: { n: number } }).data.n);
  /** Whether every request is signed with this secret (at most minutes ago, as verify wants). */
  const allSigned = (secret: string) =>
    receiver.received.every((r) => {
      new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
      return true;
    });
  const log = async (db: Database, endpointId: string) =>
    createPostgresWebhookStore(db).listDeliveries(appId, endpointId, { limit: 100 });

  test('pending deliveries survive a restart: a new worker on a new connection sends them', async () => {
    const { endpoint, secret } = await register(database);
    for (let n = 1; n <= 3; n++) await publish(database, n);
    receiver.answer(500);
    const first = dispatcherOver(database);
    expect(await first.runOnce()).toBe(1);
    // The process ends with the first event waiting for its retry and two behind it.
    await first.close();
    await database.close();

    database = await durable.open();
    const second = dispatcherOver(database);
    clock.advance(10_000);
    while ((await second.runOnce()) > 0);
    expect(numbers()).toEqual([1, 1, 2, 3]);
    expect(allSigned(secret)).toBe(true);
    const rows = await log(database, endpoint.id);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['delivered', 1],
      ['delivered', 1],
      ['delivered', 2],
    ]);
    expect(errors).toEqual([]);
  });

  test('a delivery held by a worker that died is sent again once its lease ends (at least once)', async () => {
    const { secret } = await register(database);
    await publish(database, 1);
    const store = createPostgresWebhookStore(database);
    await store.expandOutbox(new Date(clock.now()), 10, eventOf);
    const held = await store.claimDue(new Date(clock.now()), new Date(clock.now() + LEASE_MS), 10);
    expect(held).toHaveLength(1);
    // The worker that claimed it is gone: another one leaves it alone until the lease is over.
    const other = dispatcherOver(database);
    expect(await other.runOnce()).toBe(0);
    clock.advance(LEASE_MS + 1);
    expect(await other.runOnce()).toBe(1);
    expect(numbers()).toEqual([1]);
    expect(allSigned(secret)).toBe(true);
  });

  test(`after ${MAX_ATTEMPTS} failed attempts a delivery is failed, logged, and the next one goes`, async () => {
    const { endpoint } = await register(database);
    await publish(database, 1);
    await publish(database, 2);
    receiver.answer(...Array.from({ length: MAX_ATTEMPTS }, () => 500));
    const worker = dispatcherOver(database);
    for (let round = 0; round < MAX_ATTEMPTS + 1; round++) {
      await worker.runOnce();
      clock.advance(13 * 3_600_000);
    }
    const rows = await log(database, endpoint.id);
    expect(rows.map((r) => [r.status, r.attempts, r.lastStatus])).toEqual([
      ['delivered', 1, 204],
      ['failed', MAX_ATTEMPTS, 500],
    ]);
    expect(rows[1]?.lastError).toBe('answered 500');
    expect(numbers()).toEqual([...Array.from({ length: MAX_ATTEMPTS }, () => 1), 2]);
  });

  test('a name that resolves to a refused address at delivery time is not connected to', async () => {
    const port = new URL(receiver.url).port;
    let answer = ['127.0.0.1'];
    const resolve: Resolver = async () => answer;
    // hooks.invalid exists for this resolver only: the connection goes to the judged address.
    const { endpoint, secret } = await register(
      database,
      `http://hooks.invalid:${port}/hooks`,
      resolve,
    );
    const worker = dispatcherOver(database, resolve);
    await publish(database, 1);
    await worker.runOnce();
    expect(numbers()).toEqual([1]);
    expect(allSigned(secret)).toBe(true);

    answer = ['10.0.0.7'];
    await publish(database, 2);
    await worker.runOnce();
    expect(receiver.received).toHaveLength(1);
    const [latest] = await log(database, endpoint.id);
    expect(latest).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatus: null,
      lastError: 'refused: the URL resolves to a private address (10.0.0.7)',
    });
  });

  test('two workers side by side keep each endpoint in order and send each event once', async () => {
    const receivers = [receiver, await startWebhookReceiver()];
    const endpoints = [];
    for (const r of receivers) endpoints.push(await register(database, r.url));
    for (let n = 1; n <= 12; n++) await publish(database, n);
    const other = backend.multiProcess ? await durable.open() : database;
    const workers = [dispatcherOver(database), dispatcherOver(other)];
    try {
      for (let round = 0; round < 30; round++) {
        const attempts = await Promise.all(workers.map((w) => w.runOnce()));
        if (attempts.every((a) => a === 0) && receivers.every((r) => r.received.length === 12)) {
          break;
        }
      }
      for (const [i, r] of receivers.entries()) {
        receiver = r;
        expect(allSigned(endpoints[i]?.secret as string)).toBe(true);
        expect(numbers()).toEqual(Array.from({ length: 12 }, (_, k) => k + 1));
      }
    } finally {
      if (other !== database) await other.close();
      receiver = receivers[0] as WebhookReceiver;
      await receivers[1]?.close();
    }
  });
});
