import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.ts';
import {
  createTestDatabase,
  createTestRedisPrefix,
  postgresUrl,
  redisUrl,
} from '../helpers/real-stores.ts';
import {
  childEnv,
  cleanUpSpawned,
  launch,
  output,
  type Server,
  tempDir,
  waitForLog,
} from '../helpers/spawn-server.ts';

/** Writes `request` on a fresh connection and reads everything until the server closes it. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', fail);
    socket.on('close', () => done(Buffer.concat(chunks).toString('utf8')));
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.write(request);
  });
}

/** Status line, headers (lower-cased names) and body of a raw HTTP/1.1 response. */
function parseResponse(raw: string) {
  const end = raw.indexOf('\r\n\r\n');
  expect(end, `no end of headers in ${JSON.stringify(raw.slice(0, 300))}`).toBeGreaterThan(0);
  const [statusLine = '', ...lines] = raw.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { statusLine, headers, body: raw.slice(end + 4) };
}

/**
 * Node's HTTP parser refuses what never reaches hono (a 60 KB header, a request that is not HTTP)
 * with a bare status line; clients that read problem+json must get it there too.
 */
describe('requests Node refuses before hono still answer problem+json', () => {
  let server: Server;
  let port: number;
  const drops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    port = await freePort();
    const stores: Record<string, string> = {};
    // The real stores start faster than PGlite; the embedded default does as well without them.
    if (redisUrl && postgresUrl) {
      const database = await createTestDatabase();
      const redis = createTestRedisPrefix();
      drops.push(database.drop, redis.drop);
      Object.assign(stores, {
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        REDIS_KEY_PREFIX: redis.prefix,
      });
    }
    server = launch(
      childEnv({ DATA_DIR: tempDir(), PORT: String(port), LOG_LEVEL: 'info', ...stores }),
    );
    await waitForLog(server, 'Tessera listening', 90_000);
  }, 120_000);

  afterAll(async () => {
    await cleanUpSpawned();
    for (const drop of drops) await drop();
  });

  it('a 60 KB Authorization header is a 431 with a problem+json body', async () => {
    const raw = await rawExchange(
      port,
      `POST /v1/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${'a'.repeat(60_000)}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
    );
    const { statusLine, headers, body } = parseResponse(raw);
    expect(statusLine, output(server)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(headers['content-type']).toBe('application/problem+json');
    expect(headers.connection).toBe('close');
    expect(Number(headers['content-length'])).toBe(Buffer.byteLength(body));
    expect(JSON.parse(body)).toEqual({
      type: 'https://tessera.dev/problems/headers_too_large',
      title: 'Request Header Fields Too Large',
      status: 431,
      detail: expect.stringMatching(/headers/),
      code: 'headers_too_large',
    });
  });

  it('fetch, as a client would send it, reads the same 431 problem', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/v1/verify`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${'b'.repeat(60_000)}`,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(response.status).toBe(431);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 431, code: 'headers_too_large' });
  });

  it('a request that is not HTTP is a 400 with a problem+json body', async () => {
    const { statusLine, headers, body } = parseResponse(
      await rawExchange(port, 'HELLO THERE\r\n\r\n'),
    );
    expect(statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(body)).toMatchObject({ status: 400, code: 'invalid_request' });
  });

  it('the server keeps serving afterwards', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
  });
});
