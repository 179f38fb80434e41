import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/http/app-env.ts';
import { type ClientHint, clientAddress, endUserAddress } from '../../src/http/client-address.ts';
import { parseTrustProxy } from '../../src/http/client-ip.ts';

// One small app, one sub-app per TRUST_PROXY value, served on a real socket: getConnInfo and the
// X-Forwarded-For handling are exercised as in production, not through app.request().
const POLICIES = {
  none: undefined,
  loopback: '127.0.0.1',
  hop: '1',
  list: '127.0.0.1, 10.0.0.0/8',
} as const;

function buildApp() {
  const app = new Hono<AppEnv>();
  for (const [name, value] of Object.entries(POLICIES)) {
    const sub = new Hono<AppEnv>();
    sub.use(clientAddress(parseTrustProxy(value)));
    sub.get('/ip', (c) => c.json({ ip: c.get('connectionIp') }));
    sub.post('/end-user', async (c) => {
      const body = (await c.req.json()) as { client?: ClientHint };
      return c.json(endUserAddress(c, body.client));
    });
    app.route(`/${name}`, sub);
  }
  return app;
}

let server: ServerType;
let base: string;

beforeAll(async () => {
  const app = buildApp();
  await new Promise<void>((ready) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      base = `http://127.0.0.1:${info.port}`;
      ready();
    });
  });
});

afterAll(async () => {
  // fetch keeps connections alive; close them or close() waits for their idle timeout.
  if ('closeAllConnections' in server) server.closeAllConnections();
  await new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done())));
});

async function ipFor(policy: keyof typeof POLICIES, forwardedFor?: string): Promise<unknown> {
  const headers: Record<string, string> = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
  const response = await fetch(`${base}/${policy}/ip`, { headers });
  expect(response.status).toBe(200);
  return ((await response.json()) as { ip: unknown }).ip;
}

const ROTATING = ['1.1.1.1', '2.2.2.2', '6.6.6.6, 203.0.113.9', '::1', 'garbage', '127.0.0.2'];

describe('clientAddress over a real connection', () => {
  it('without TRUST_PROXY, always answers the socket address, whatever X-Forwarded-For says', async () => {
    expect(await ipFor('none')).toBe('127.0.0.1');
    for (const xff of ROTATING) expect(await ipFor('none', xff)).toBe('127.0.0.1');
  });

  it('with TRUST_PROXY=127.0.0.1, the rightmost X-Forwarded-For entry is the client', async () => {
    expect(await ipFor('loopback', '203.0.113.9')).toBe('203.0.113.9');
    expect(await ipFor('loopback', '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
    expect(await ipFor('loopback', '6.6.6.6, 198.51.100.1')).toBe('198.51.100.1');
    expect(await ipFor('loopback')).toBe('127.0.0.1');
  });

  it('with TRUST_PROXY=1, the rightmost X-Forwarded-For entry is the client', async () => {
    expect(await ipFor('hop', '203.0.113.9')).toBe('203.0.113.9');
    expect(await ipFor('hop', '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
    expect(await ipFor('hop')).toBe('127.0.0.1');
  });

  it('with a list of proxies, the rightmost untrusted hop is the client', async () => {
    expect(await ipFor('list', '6.6.6.6, 203.0.113.9, 10.1.2.3')).toBe('203.0.113.9');
    expect(await ipFor('list', '7.7.7.7, 203.0.113.9, 10.1.2.3')).toBe('203.0.113.9');
  });

  it('answers the socket address when the forwarded entry is garbage', async () => {
    expect(await ipFor('loopback', '<script>alert(1)</script>')).toBe('127.0.0.1');
    expect(await ipFor('list', '6.6.6.6, nonsense, 10.1.2.3')).toBe('10.1.2.3');
  });

  it('is null when there is no socket (app.request())', async () => {
    const response = await buildApp().request('/loopback/ip', {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(await response.json()).toEqual({ ip: null });
  });
});

describe('endUserAddress', () => {
  async function endUser(body: object, headers: Record<string, string> = {}) {
    const response = await fetch(`${base}/loopback/end-user`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return response.json();
  }

  it('believes the client the calling backend describes', async () => {
    const body = { client: { ip: '::ffff:198.51.100.7', user_agent: 'Mozilla/5.0 (phone)' } };
    expect(
      await endUser(body, { 'user-agent': 'backend/1.0', 'x-forwarded-for': '6.6.6.6' }),
    ).toEqual({ ip: '198.51.100.7', userAgent: 'Mozilla/5.0 (phone)' });
  });

  it('falls back to the connection address and User-Agent header', async () => {
    const headers = { 'user-agent': 'backend/1.0', 'x-forwarded-for': '203.0.113.9' };
    expect(await endUser({}, headers)).toEqual({ ip: '203.0.113.9', userAgent: 'backend/1.0' });
    // Once the backend describes the end user, its own User-Agent is not theirs.
    expect(await endUser({ client: { ip: '', user_agent: null } }, headers)).toEqual({
      ip: '203.0.113.9',
      userAgent: null,
    });
    expect(await endUser({ client: { user_agent: 'Mozilla/5.0' } }, headers)).toEqual({
      ip: '203.0.113.9',
      userAgent: 'Mozilla/5.0',
    });
  });
});
