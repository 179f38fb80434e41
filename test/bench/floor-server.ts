/**
 * The reference floor: the least server that could meet the cycle, to tell what the ratio
 * goal leaves for everything else on this machine. node:http and the same argon2 as Tessera, and
 * per request only the I/O a conforming cycle cannot do without: one Redis round trip before
 * argon2 (the limits), one after (store the hash; end the code), one committed Postgres row (the
 * audit trail). No validation, no keys, no pumping watch, no hash chain, no logs, no metrics; the
 * code comes back in the send's answer. Run by run.ts as a child process with the server's
 * UV_THREADPOOL_SIZE, on the bench's own database and Redis prefix; prints {"port":N} when ready.
 *
 *   node --import tsx test/bench/floor-server.ts <profile> <databaseUrl> <redisUrl> <redisPrefix>
 */
import { randomBytes, randomInt } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hash, verify } from '@node-rs/argon2';
import { Redis } from 'ioredis';
import pg from 'pg';
import { HASH_PROFILES, type HashProfileName } from '../../src/config/hash-profiles.ts';

/** `Algorithm.Argon2id` (an ambient const enum, which isolated modules cannot read). */
const ARGON2ID = 2;
const HOUR_MS = 3_600_000;

const [profileName, databaseUrl, redisUrl, redisPrefix] = process.argv.slice(2);
if (!profileName || !(profileName in HASH_PROFILES) || !databaseUrl || !redisUrl || !redisPrefix) {
  process.stderr.write('usage: floor-server.ts <profile> <databaseUrl> <redisUrl> <redisPrefix>\n');
  process.exit(2);
}
const secret = randomBytes(32);
const options = {
  algorithm: ARGON2ID,
  ...HASH_PROFILES[profileName as HashProfileName],
  secret,
} as const;

const redis = new Redis(redisUrl, {
  keyPrefix: `${redisPrefix}floor:`,
  enableAutoPipelining: true,
});
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
await pool.query(
  'create table if not exists bench_floor_audit (id bigserial primary key, type text not null, ' +
    'verification_id text not null, at timestamptz not null default now())',
);
const audit = (type: string, id: string) =>
  pool.query('insert into bench_floor_audit (type, verification_id) values ($1, $2)', [type, id]);

let nextId = 0;

async function send(body: { to: string }): Promise<[number, unknown]> {
  const limit = `limit:${body.to}`;
  await redis.multi().incr(limit).pexpire(limit, HOUR_MS).exec();
  const id = `v${nextId++}`;
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await redis.set(`code:${id}`, await hash(code, options), 'PX', 600_000);
  await audit('verification.created', id);
  return [201, { id, code }];
}

async function check(body: { id: string; code: string }): Promise<[number, unknown]> {
  const [[, stored] = []] = (await redis
    .multi()
    .get(`code:${body.id}`)
    .incr(`attempts:${body.id}`)
    .exec()) as Array<[Error | null, unknown]>;
  const valid = typeof stored === 'string' && (await verify(stored, body.code, { secret }));
  await redis.del(`code:${body.id}`);
  await audit(valid ? 'check.approved' : 'check.failed', body.id);
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
  void Promise.allSettled([redis.quit(), pool.end()]).then(() => process.exit(0));
});
