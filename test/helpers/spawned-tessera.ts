import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { generateApiKey } from '../../src/access/api-key-format.ts';
import { freePort } from './free-port.ts';
import type { Simulator } from './smsc-simulator.ts';
import { childEnv, launch, type Server, tempDir, waitForLog } from './spawn-server.ts';

/** What several `tessera serve` processes of one deployment share: stores, secret, key, route. */
export interface Deployment {
  databaseUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
  smsc: Simulator;
  secretKey: string;
  apiKey: string;
}

export function deployment(
  stores: Pick<Deployment, 'databaseUrl' | 'redisUrl' | 'redisKeyPrefix'>,
  smsc: Simulator,
): Deployment {
  // BOOTSTRAP_API_KEY must be a generated key.
  return { ...stores, smsc, secretKey: randomBytes(32).toString('hex'), apiKey: generateApiKey() };
}

export interface Tessera {
  server: Server;
  port: number;
  dataDir: string;
  /** An API call with the deployment's key. */
  call(method: string, path: string, body?: unknown): Promise<Response>;
}

/**
 * Starts `node src/launcher.cjs serve` on the deployment's Redis and Postgres, its only SMS route an
 * SMPP session to `smsc` (so every code can be read there), and waits until it listens.
 */
export async function startTessera(
  d: Deployment,
  overrides: Record<string, string> = {},
): Promise<Tessera> {
  const port = await freePort();
  const dataDir = tempDir();
  const routes = [
    {
      name: 'smsc',
      provider: 'smpp',
      host: d.smsc.host,
      port: d.smsc.port,
      systemId: 'tessera',
      password: 'secret',
      timeoutMs: 10_000,
    },
  ];
  const server = launch(
    childEnv({
      DATA_DIR: dataDir,
      PORT: String(port),
      DATABASE_URL: d.databaseUrl,
      REDIS_URL: d.redisUrl,
      REDIS_KEY_PREFIX: d.redisKeyPrefix,
      SECRET_KEY: d.secretKey,
      BOOTSTRAP_API_KEY: d.apiKey,
      SMS_ROUTES: JSON.stringify(routes),
      LOG_LEVEL: 'info',
      ...overrides,
    }),
  );
  await waitForLog(server, 'Tessera listening', 90_000);
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${d.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return { server, port, dataDir, call };
}

/** The code of the last SMS the SMSC took for `phone` (E.164). */
export function codeSentTo(smsc: Simulator, phone: string): string {
  const submit = smsc.submits.findLast((s) => s.destination === phone.replace('+', ''));
  const code = submit?.text.match(/\d{6}/)?.[0];
  if (!code) throw new Error(`no code was sent to ${phone}`);
  return code;
}

/** A six-digit code that is not `code`. */
export function wrongCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

/** GET on a connection of its own (no keep-alive pool): whether a new connection is taken. */
export function freshGet(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}
