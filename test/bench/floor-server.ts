/**
 * The reference floors: the least servers that could meet the cycle, to tell what the
 * ratio goal leaves for everything else on this machine. node:http and the same argon2 as Tessera;
 * no validation, no keys, no pumping watch, no hash chain, no logs, no metrics; the code comes back
 * in the send's answer. Two of them:
 *
 * - `io`: per request only the I/O a conforming cycle cannot do without: one Redis round trip
 *   before argon2 (the limits), one after (store the hash; end the code), one committed Postgres
 *   row (the audit trail), committed the cheapest way a server can while still answering after
 *   its row is committed: group commit (rows waiting while a batch is in flight go together in the
 *   next one, two batches in flight, as Tessera's writer does).
 * - `bare`: no I/O at all (the hash in a Map): what HTTP and the load generator alone cost.
 *
 * Run by run.ts as a child process with the server's UV_THREADPOOL_SIZE, on the bench's own
 * database and Redis prefix; prints {"port":N} when ready.
 *
 *   node --import tsx test/bench/floor-server.ts <io|bare> <profile> <databaseUrl> <redisUrl> <redisPrefix>
 */
import { randomBytes, randomInt } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hash, verify } from '@node-rs/argon2';
import { Redis } from 'ioredis';
import pg from 'pg';
import { HASH_PROFILES, type HashProfileName } from '../../src/kernel/crypto/hash-profiles.ts';

/** `Algorithm.Argon2id` (an ambient const enum, which isolated modules cannot read). */
const ARGON2ID = 2;
const HOUR_MS = 3_600_000;
const BATCHES_IN_FLIGHT = 2;

/** Where a floor keeps the code's hash, and what it does around argon2. */
interface FloorStore {
  /** Before argon2 on a send (the limits). */
  spend(to: string): Promise<void>;
  put(id: string, codeHash: string): Promise<void>;
  /** The hash, counting the attempt (before argon2 on a check). */
  take(id: string): Promise<string | undefined>;
  end(id: string): Promise<void>;
  audit(type: string, id: string): Promise<void>;
  close(): Promise<void>;
}

function bareStore(): FloorStore {
  const hashes = new Map<string, string>();
  return {
    spend: async () => {},
    put: async (id, codeHash) => {
      hashes.set(id, codeHash);
    },
    take: async (id) => hashes.get(id),
    end: async (id) => {
      hashes.delete(id);
    },
    audit: async () => {},
    close: async () => {},
  };
}

async function ioStore(databaseUrl: string, redisUrl: string, prefix: string): Promise<FloorStore> {
  const redis = new Redis(redisUrl, { keyPrefix: `${prefix}floor:`, enableAutoPipelining: true });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  await pool.query(
    'create table if not exists bench_floor_audit (id bigserial primary key, type text not null, ' +
      'verification_id text not null, at timestamptz not null default now())',
  );
  let waiting: Array<{ type: string; id: string; done: (error?: unknown) => void }> = [];
  let inFlight = 0;
  const flush = () => {
    if (inFlight >= BATCHES_IN_FLIGHT || waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    inFlight++;
    const rows = batch.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ');
    void pool
      .query(
        `insert into bench_floor_audit (type, verification_id) values ${rows}`,
        batch.flatMap((row) => [row.type, row.id]),
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      )
      .then((error) => {
        for (const row of batch) row.done(error);
      })
      .finally(() => {
        inFlight--;
        flush();
      });
  };
  return {
    spend: async (to) => {
      await redis.multi().incr(`limit:${to}`).pexpire(`limit:${to}`, HOUR_MS).exec();
    },
    put: async (id, codeHash) => {
      await redis.set(`code:${id}`, codeHash, 'PX', 600_000);
    },
    take: async (id) => {
      const [[, stored] = []] = (await redis
        .multi()
        .get(`code:${id}`)
        .incr(`attempts:${id}`)
        .exec()) as Array<[Error | null, unknown]>;
      return typeof stored === 'string' ? stored : undefined;
    },
    end: async (id) => {
      await redis.del(`code:${id}`);
    },
    audit: (type, id) =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ type, id, done: (error) => (error ? reject(error) : resolve()) });
        // Rows of the same tick go in one batch.
        queueMicrotask(flush);
      }),
    close: async () => {
      await Promise.allSettled([redis.quit(), pool.end()]);
    },
  };
}

const [kind, profileName, databaseUrl, redisUrl, redisPrefix] = process.argv.slice(2);
if (
  (kind !== 'io' && kind !== 'bare') ||
  !profileName ||
  !(profileName in HASH_PROFILES) ||
  !databaseUrl ||
  !redisUrl ||
  !redisPrefix
) {
  process.stderr.write(
    'usage: floor-server.ts <io|bare> <profile> <databaseUrl> <redisUrl> <redisPrefix>\n',
  );
  process.exit(2);
}
const secret = randomBytes(32);
const options = {
  algorithm: ARGON2ID,
  ...HASH_PROFILES[profileName as HashProfileName],
  secret,
} as const;
const store = kind === 'io' ? await ioStore(databaseUrl, redisUrl, redisPrefix) : bareStore();

let nextId = 0;

async function send(body: { to: string }): Promise<[number, unknown]> {
  await store.spend(body.to);
  const id = `v${nextId++}`;
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await store.put(id, await hash(code, options));
  await store.audit('verification.created', id);
  return [201, { id, code }];
}

async function check(body: { id: string; code: string }): Promise<[number, unknown]> {
  const stored = await store.take(body.id);
  const valid = stored !== undefined && (await verify(stored, body.code, { secret }));
  await store.end(body.id);
  await store.audit(valid ? 'check.approved' : 'check.failed', body.id);
  return [200, { valid }];
}

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const handler = request.url === '/send' ? send : check;
    handler(body).then(
      ([status, payload]) => {
        const text = JSON.stringify(payload);
        response.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        response.end(text);
      },
      (error: unknown) => {
        process.stderr.write(`floor-server: ${error}\n`);
        response.writeHead(500, { 'content-length': 0 });
        response.end();
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void store.close().then(() => process.exit(0));
});
