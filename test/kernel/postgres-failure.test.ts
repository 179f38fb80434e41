import net from 'node:net';
import { DrizzleQueryError, type SQL, sql } from 'drizzle-orm';
import { Redis, ReplyError } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { guardAvailability, isRedisOutage } from '../../src/kernel/availability.ts';
import { DependencyUnavailableError } from '../../src/kernel/errors.ts';
import {
  isPostgresOutage,
  type PostgresFailure,
  postgresFailure,
  sqlState,
} from '../../src/kernel/postgres-failure.ts';
import { DATABASE_BACKENDS } from '../helpers/database-backends.ts';
import { freePort } from '../helpers/free-port.ts';
import { createTestDatabase, postgresUrl, redisUrl } from '../helpers/real-stores.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

/** Settles with what the call was rejected with, or fails the test: it was expected to fail. */
async function rejection(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('the call was expected to fail');
}

/** A statement run as the stores run theirs: through drizzle, alone or in a transaction. */
const WAYS: { name: string; run: (database: Database, statement: SQL) => Promise<unknown> }[] = [
  { name: 'alone', run: (database, statement) => database.db.execute(statement) },
  {
    name: 'in a transaction',
    run: (database, statement) => database.transaction((tx) => tx.execute(statement)),
  },
];

const raise = (state: string) =>
  sql.raw(`do $$ begin raise exception 'raised by the test' using errcode = '${state}'; end $$`);

describe.each(DATABASE_BACKENDS)('Postgres failures over $name', (backend) => {
  describe.skipIf(!backend.available)('classified from the whole cause chain', () => {
    let database: Database;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      ({ database, drop } = await backend.open());
      await database.db.execute(sql`create table taken (id int primary key)`);
      await database.db.execute(sql`insert into taken values (1)`);
    });

    afterAll(async () => {
      // Closed already by the last test, unless it failed before.
      await database?.close().catch(() => {});
      await drop?.();
    });

    describe.each(WAYS)('a statement $name', ({ run }) => {
      it.each([
        ['a unique violation', sql`insert into taken values (1)`, '23505'],
        ['a syntax error', sql`selec 1`, '42601'],
        ['an undefined column', sql`select nope from taken`, '42703'],
        ['a division by zero', sql`select 1 / 0`, '22012'],
        ['a raise in a function', raise('P0001'), 'P0001'],
      ])(
        'that Postgres refuses for %s is a bug, not an outage, though drizzle wraps it without a code',
        async (_name, statement, state) => {
          const error = await rejection(() => run(database, statement));
          // What used to hide a bug as a 503: the outer error has no SQLSTATE of its own.
          expect(error).toBeInstanceOf(DrizzleQueryError);
          expect((error as { code?: unknown }).code).toBeUndefined();
          expect(sqlState(error)).toBe(state);
          expect(postgresFailure(error)).toBe('not-an-outage');
          expect(isPostgresOutage(error)).toBe(false);
        },
      );

      it.each<[string, PostgresFailure]>([
        ['57P01', 'outage-outcome-unknown'],
        ['08006', 'outage-outcome-unknown'],
        ['57P03', 'outage-nothing-done'],
        ['53300', 'outage-nothing-done'],
        ['53100', 'outage-nothing-done'],
      ])(
        'answered with SQLSTATE %s (connection, shutdown, resources) is an outage',
        async (state, failure) => {
          const error = await rejection(() => run(database, raise(state)));
          expect(sqlState(error)).toBe(state);
          expect(postgresFailure(error)).toBe(failure);
          expect(isPostgresOutage(error)).toBe(true);
        },
      );
    });

    it('the guard rethrows a bug as it is, and turns only an outage into DependencyUnavailableError', async () => {
      const store = guardAvailability(
        {
          insertTaken: () => database.db.execute(sql`insert into taken values (1)`),
          raise: (state: string) => database.db.execute(raise(state)),
        },
        'postgres',
        isPostgresOutage,
      );
      const direct = await rejection(() => database.db.execute(sql`insert into taken values (1)`));
      const bug = await rejection(() => store.insertTaken());
      expect(bug).toBeInstanceOf(DrizzleQueryError);
      expect(bug).not.toBeInstanceOf(DependencyUnavailableError);
      expect(sqlState(bug)).toBe(sqlState(direct));
      expect((bug as Error).message).toBe((direct as Error).message);

      const outage = await rejection(() => store.raise('57P01'));
      expect(outage).toBeInstanceOf(DependencyUnavailableError);
      expect((outage as DependencyUnavailableError).dependency).toBe('postgres');
      expect(sqlState((outage as Error).cause)).toBe('57P01');
    });

    it('a statement on a closed database (pool ended, PGlite closed) is an outage that did nothing', async () => {
      // Last in this block: it closes the database the others use.
      await database.close();
      for (const { run } of WAYS) {
        const error = await rejection(() => run(database, sql`select 1`));
        expect(postgresFailure(error)).toBe('outage-nothing-done');
      }
    });
  });
});

describe.skipIf(!postgresUrl)('Postgres unreachable or lost (real Postgres)', () => {
  let url: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ url, drop } = await createTestDatabase());
  });
  afterAll(async () => drop?.());

  /** `url` with another host and port, as a misconfigured or unreachable server would be. */
  const at = (host: string, port: number) => {
    const moved = new URL(url);
    moved.hostname = host;
    moved.port = String(port);
    return moved.toString();
  };

  async function failureAt(target: string): Promise<unknown[]> {
    const database = await openDatabase({ url: target });
    try {
      const errors: unknown[] = [];
      for (const { run } of WAYS) errors.push(await rejection(() => run(database, sql`select 1`)));
      return errors;
    } finally {
      await database.close().catch(() => {});
    }
  }

  it('a refused connection is an outage that did nothing', async () => {
    for (const error of await failureAt(at('127.0.0.1', await freePort()))) {
      expect([...chainCodes(error)]).toContain('ECONNREFUSED');
      expect(postgresFailure(error)).toBe('outage-nothing-done');
    }
  });

  it('a host that does not resolve is an outage that did nothing', async () => {
    for (const error of await failureAt(at('no-such-host.invalid', 5432))) {
      expect(postgresFailure(error)).toBe('outage-nothing-done');
    }
  });

  it('a server that accepts and never answers is an outage that did nothing (connect timeout)', async () => {
    const silent = net.createServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as net.AddressInfo;
      for (const error of await failureAt(at('127.0.0.1', port))) {
        expect(messages(error)).toContain('Connection terminated due to connection timeout');
        expect(postgresFailure(error)).toBe('outage-nothing-done');
      }
    } finally {
      silent.close();
    }
  });

  it('a connection lost while the statement runs is an outage whose outcome is unknown', async () => {
    const target = new URL(url);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const database = await openDatabase({ url: at('127.0.0.1', proxy.port) });
    try {
      await database.ping();
      const running = rejection(() => database.db.execute(sql`select pg_sleep(30)`));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await proxy.cut();
      const error = await running;
      expect(error).toBeInstanceOf(DrizzleQueryError);
      expect(postgresFailure(error)).toBe('outage-outcome-unknown');
      // ...and once the relay refuses, the next statement never leaves.
      expect(postgresFailure(await rejection(() => database.db.execute(sql`select 1`)))).toBe(
        'outage-nothing-done',
      );
    } finally {
      await database.close().catch(() => {});
      await proxy.close();
    }
  });

  it('a backend terminated by an administrator is an outage whose outcome is unknown', async () => {
    const database = await openDatabase({ url });
    try {
      const error = await rejection(() =>
        database.db.execute(sql`select pg_terminate_backend(pg_backend_pid())`),
      );
      expect(sqlState(error)).toBe('57P01');
      expect(postgresFailure(error)).toBe('outage-outcome-unknown');
    } finally {
      await database.close();
    }
  });

  it('no pooled connection free within the connect timeout is an outage that did nothing', async () => {
    const database = await openDatabase({ url });
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      // The pool's 5 connections, each held by a transaction until the end of the test.
      let holding = 0;
      const held = Array.from({ length: 5 }, () =>
        database.transaction(async (tx) => {
          await tx.execute(sql`select 1`);
          holding++;
          await released;
        }),
      );
      while (holding < 5) await new Promise((resolve) => setTimeout(resolve, 20));
      const error = await rejection(() => database.db.execute(sql`select 1`));
      expect(messages(error)).toContain('timeout exceeded when trying to connect');
      expect(postgresFailure(error)).toBe('outage-nothing-done');
      release();
      await Promise.all(held);
    } finally {
      release();
      await database.close();
    }
  });
});

describe('errors that carry no SQLSTATE', () => {
  it('a plain bug is not an outage, whatever wraps it', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    expect(postgresFailure(bug)).toBe('not-an-outage');
    expect(postgresFailure(new Error('while saving', { cause: bug }))).toBe('not-an-outage');
    expect(postgresFailure(undefined)).toBe('not-an-outage');
    expect(postgresFailure('a string')).toBe('not-an-outage');
  });

  it('refused connections gathered in an AggregateError (one per address of a host) are read', async () => {
    const port = await freePort();
    const refused = await Promise.all(
      [1, 2].map(
        () =>
          new Promise<Error>((resolve) =>
            net.connect(port, '127.0.0.1').on('error', (error) => resolve(error)),
          ),
      ),
    );
    expect(refused.map((error) => (error as { code?: unknown }).code)).toEqual([
      'ECONNREFUSED',
      'ECONNREFUSED',
    ]);
    const gathered = new AggregateError(refused, 'every address refused');
    expect(postgresFailure(new Error('Failed query: select 1', { cause: gathered }))).toBe(
      'outage-nothing-done',
    );
  });

  it('a Node error code shaped like a SQLSTATE (EPIPE) is read as a socket error', () => {
    const broken = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    expect(sqlState(broken)).toBeUndefined();
    expect(postgresFailure(new Error('Failed query', { cause: broken }))).toBe(
      'outage-outcome-unknown',
    );
  });

  it('a chain that loops back on itself is read once and ends', () => {
    const first = new Error('first');
    const second = new Error('second', { cause: first });
    (first as { cause?: unknown }).cause = second;
    expect(postgresFailure(first)).toBe('not-an-outage');
  });
});

describe.skipIf(!redisUrl)('Redis failures (real Redis)', () => {
  it('an error reply (a script bug) is not an outage, even wrapped; a refused connection is', async () => {
    const redis = new Redis(redisUrl as string, { lazyConnect: true });
    try {
      await redis.connect();
      const reply = await rejection(() => redis.eval('return redis.error_reply("bug")', 0));
      expect(reply).toBeInstanceOf(ReplyError);
      expect(isRedisOutage(reply)).toBe(false);
      expect(isRedisOutage(new Error('script failed', { cause: reply }))).toBe(false);
    } finally {
      redis.disconnect();
    }
    const down = new Redis({
      host: '127.0.0.1',
      port: await freePort(),
      lazyConnect: true,
      retryStrategy: () => null,
    });
    down.on('error', () => {});
    try {
      const refused = await rejection(() => down.connect());
      expect(isRedisOutage(refused)).toBe(true);
    } finally {
      down.disconnect();
    }
  });
});

function* chainCodes(error: unknown): Generator<unknown> {
  for (let link = error; link instanceof Error; link = link.cause) {
    yield (link as { code?: unknown }).code;
    if (link instanceof AggregateError) for (const inner of link.errors) yield inner.code;
  }
}

function messages(error: unknown): string[] {
  const found: string[] = [];
  for (let link = error; link instanceof Error; link = link.cause) found.push(link.message);
  return found;
}
