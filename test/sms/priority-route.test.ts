import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/sms/circuit-breaker.ts';
import {
  createPriorityRoute,
  type SmsRouteEntry,
  type SmsRouteMetrics,
} from '../../src/sms/priority-route.ts';
import { createHttpJsonProvider } from '../../src/sms/providers/http-json/http-json.ts';
import { twilioSignature } from '../../src/sms/providers/twilio/twilio.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

type Behaviour = 'accept' | 'refuse' | 'hang' | 'slow';

/** A provider's HTTP API on 127.0.0.1 whose behaviour a test sets; it counts what reached it. */
async function startProviderServer() {
  let behaviour: Behaviour = 'accept';
  let received = 0;
  let serial = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      if (behaviour === 'hang') return;
      if (behaviour === 'refuse') {
        response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"refused"}');
        return;
      }
      const answer = () =>
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ id: `m${++serial}` }));
      if (behaviour === 'slow') setTimeout(answer, 300);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`,
    set: (next: Behaviour) => {
      behaviour = next;
    },
    received: () => received,
    lastId: () => serial,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type ProviderServer = Awaited<ReturnType<typeof startProviderServer>>;

function recordingMetrics() {
  const events: string[] = [];
  const metrics: SmsRouteMetrics = {
    routeSent: (route) => events.push(`sent:${route}`),
    routeFailed: (route, reason) => events.push(`failed:${route}:${reason}`),
    routeFailover: (from, to) => events.push(`failover:${from}->${to}`),
    routeBreaker: () => {},
  };
  return { events, metrics };
}

const message = {
  appId: 'app_x',
  to: '+33612345678',
  country: 'FR',
  text: 'Tessera: your code is 123456.',
  reference: 'ver_x',
};

function entry(name: string, url: string, extra: Partial<SmsRouteEntry> = {}): SmsRouteEntry {
  return {
    name,
    provider: createHttpJsonProvider({
      url,
      body: { to: '{{to}}', text: '{{text}}' },
      messageIdPath: 'id',
    }),
    senderId: 'Tessera',
    countries: null,
    timeoutMs: 200,
    concurrency: 10,
    breaker: new CircuitBreaker({ failureThreshold: 2, openMs: 300 }),
    ...extra,
  };
}

describe('priority route: failover and breaker, against real HTTP providers', () => {
  const servers: ProviderServer[] = [];
  let primary: ProviderServer;
  let backup: ProviderServer;
  let third: ProviderServer;
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) servers.push(await startProviderServer());
    [primary, backup, third] = servers as [ProviderServer, ProviderServer, ProviderServer];
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
  });
  const reset = () => {
    for (const server of servers) server.set('accept');
  };

  it.each([
    ['refuses', 'refuse', 'refused'],
    ['times out', 'hang', 'timeout'],
  ] as const)(
    'when the first route %s, the next one takes the same message once',
    async (_name, behaviour, reason) => {
      reset();
      primary.set(behaviour);
      const { events, metrics } = recordingMetrics();
      const route = createPriorityRoute(
        [entry('primary', primary.url), entry('backup', backup.url)],
        {
          now: Date.now,
          metrics,
        },
      );
      const before = backup.received();
      expect(await route.send(message)).toEqual({
        route: 'backup',
        providerMessageId: expect.stringMatching(/^m\d+$/),
      });
      expect(backup.received() - before).toBe(1);
      expect(events).toEqual([
        `failed:primary:${reason}`,
        'failover:primary->backup',
        'sent:backup',
      ]);
    },
  );

  it('when the first route is down (nothing listens), the next one takes it', async () => {
    reset();
    const { metrics } = recordingMetrics();
    const route = createPriorityRoute(
      [entry('primary', 'http://127.0.0.1:1/sms'), entry('backup', backup.url)],
      {
        now: Date.now,
        metrics,
      },
    );
    expect((await route.send(message)).route).toBe('backup');
  });

  it('tries the next route once, never a third: two failures fail the send', async () => {
    reset();
    primary.set('refuse');
    backup.set('refuse');
    const { metrics } = recordingMetrics();
    const route = createPriorityRoute(
      [entry('primary', primary.url), entry('backup', backup.url), entry('third', third.url)],
      { now: Date.now, metrics },
    );
    const before = third.received();
    await expect(route.send(message)).rejects.toThrow(/no SMS route accepted/);
    expect(third.received()).toBe(before);
  });

  it('a dead route costs one timeout, not one per request: the breaker opens, then a probe closes it', async () => {
    reset();
    primary.set('hang');
    const { events, metrics } = recordingMetrics();
    const first = entry('primary', primary.url);
    const route = createPriorityRoute([first, entry('backup', backup.url)], {
      now: Date.now,
      metrics,
    });
    const before = primary.received();
    for (let i = 0; i < 5; i++) expect((await route.send(message)).route).toBe('backup');
    expect(primary.received() - before).toBe(2); // threshold 2, then skipped
    expect(first.breaker.state(Date.now())).toBe('open');
    primary.set('accept');
    await new Promise((resolve) => setTimeout(resolve, 320));
    expect((await route.send(message)).route).toBe('primary');
    expect(first.breaker.state(Date.now())).toBe('closed');
    expect(events.filter((e) => e === 'failed:primary:timeout')).toHaveLength(2);
  });

  it('skips routes that do not serve the country, and routes at their concurrency cap', async () => {
    reset();
    primary.set('slow');
    const { metrics } = recordingMetrics();
    const route = createPriorityRoute(
      [
        entry('belgium', third.url, { countries: new Set(['BE']) }),
        entry('primary', primary.url, { concurrency: 1, timeoutMs: 2000 }),
        entry('backup', backup.url),
      ],
      { now: Date.now, metrics },
    );
    const [a, b] = await Promise.all([route.send(message), route.send(message)]);
    expect([a.route, b.route].sort()).toEqual(['backup', 'primary']);
    await expect(
      route.send({ ...message, country: 'DE', to: '+4915112345678' }),
    ).resolves.toMatchObject({
      route: 'primary',
    });
  });
});

const RECEIPT_SECRET = 'receipt-secret-0123456789';

describe.each(BACKENDS)('sends over configured routes: $name', (backend) => {
  let t: TestApp;
  let provider: ProviderServer;
  beforeAll(async () => {
    if (!backend.available) return;
    provider = await startProviderServer();
    const routes = [
      {
        name: 'primary',
        provider: 'http',
        url: 'http://127.0.0.1:1/down',
        body: { to: '{{to}}', text: '{{text}}' },
        timeoutMs: 500,
      },
      {
        name: 'backup',
        provider: 'http',
        url: provider.url,
        body: { to: '{{to}}', text: '{{text}}' },
        messageIdPath: 'id',
        receiptSecret: RECEIPT_SECRET,
      },
    ];
    t = await startTestApp(backend, { env: { SMS_ROUTES: JSON.stringify(routes) } });
  });
  afterAll(async () => {
    await t?.close();
    await provider?.close();
  });
  const test = backend.available ? it : it.skip;

  test('the answer says which route took it', async () => {
    const response = await t.call('POST', '/v1/verify', { body: { to: '+33612345678' } });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ delivery: { status: 'sent', route: 'backup' } });
    const metrics = await (await t.call('GET', '/metrics', { key: null })).text();
    expect(metrics).toMatch(/tessera_route_failovers_total\{from="primary",to="backup"\} 1/);
  });

  test('when no route takes it: 503 delivery_unavailable, the verification is cancelled, the budget given back', async () => {
    provider.set('refuse');
    const response = await t.call('POST', '/v1/verify', { body: { to: '+33612345679' } });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'delivery_unavailable' });
    provider.set('accept');
  });

  const receipt = (body: unknown, secret = RECEIPT_SECRET, route = 'backup') =>
    t.app.request(`/v1/providers/${route}/receipts?secret=${encodeURIComponent(secret)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  test.each([
    ['delivered', 'delivered'],
    ['undelivered', 'failed'],
    ['failed', 'failed'],
  ])('a %s receipt turns the verification %s', async (status, shown) => {
    const sent = (await (
      await t.call('POST', '/v1/verify', { body: { to: '+33612345670' } })
    ).json()) as {
      id: string;
    };
    const messageId = `m${provider.lastId()}`;
    expect((await receipt({ message_id: messageId, status })).status).toBe(204);
    expect(await (await t.call('GET', `/v1/verify/${sent.id}`)).json()).toMatchObject({
      delivery: { status: shown, route: 'backup' },
    });
    const metrics = await (await t.call('GET', '/metrics', { key: null })).text();
    expect(metrics).toMatch(
      new RegExp(
        `tessera_route_receipt_seconds_count\\{route="backup",status="${status}"\\} [1-9]`,
      ),
    );
  });

  test('a reply posted to the callback is recorded as inbound for the apps that messaged the number', async () => {
    expect((await receipt({ from: '+33612345670', text: 'STOP' })).status).toBe(204);
    if (!backend.real) return;
    const client = new pg.Client({ connectionString: t.databaseUrl as string });
    await client.connect();
    try {
      const { rows } = await client.query(
        "select reason, detail from audit_events where type = 'sms.inbound'",
      );
      expect(rows).toEqual([{ reason: 'opt_out', detail: { route: 'backup', keyword: 'STOP' } }]);
    } finally {
      await client.end();
    }
  });

  test('receipts need the route secret; unknown routes and messages change nothing', async () => {
    expect(
      (await receipt({ message_id: 'm1', status: 'delivered' }, 'wrong-secret-0123456789')).status,
    ).toBe(401);
    expect(
      (await receipt({ message_id: 'm1', status: 'delivered' }, RECEIPT_SECRET, 'primary')).status,
    ).toBe(404);
    expect((await receipt({ message_id: 'unknown', status: 'delivered' })).status).toBe(204);
    expect((await receipt({ id: 'x' })).status).toBe(400);
  });
});

describe.each(BACKENDS)("Twilio callbacks must carry Twilio's signature: $name", (backend) => {
  const authToken = 'twilio-auth-token-0123456789abcdef';
  const publicUrl = 'https://tessera.example';
  let t: TestApp;
  beforeAll(async () => {
    if (!backend.available) return;
    const routes = [
      {
        name: 'tw',
        provider: 'twilio',
        accountSid: `AC${'0'.repeat(32)}`,
        authToken,
        baseUrl: 'http://127.0.0.1:1',
        receiptSecret: RECEIPT_SECRET,
      },
    ];
    t = await startTestApp(backend, {
      env: { SMS_ROUTES: JSON.stringify(routes), PUBLIC_URL: publicUrl },
    });
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;

  // The URL Twilio was given (PUBLIC_URL + path + secret), whatever host this server sees.
  const path = `/v1/providers/tw/receipts?secret=${encodeURIComponent(RECEIPT_SECRET)}`;
  const post = (form: URLSearchParams, signature?: string) =>
    t.app.request(`http://10.0.0.7:3000${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature === undefined ? {} : { 'x-twilio-signature': signature }),
      },
      body: form.toString(),
    });
  const callback = new URLSearchParams({
    MessageSid: 'SM00000000000000000000000000000000',
    MessageStatus: 'delivered',
    AccountSid: `AC${'0'.repeat(32)}`,
  });

  test('a signed status callback is taken; unsigned, wrongly signed or altered ones are 401', async () => {
    const signature = twilioSignature(authToken, `${publicUrl}${path}`, callback);
    expect((await post(callback)).status).toBe(401);
    const wrong = await post(
      callback,
      twilioSignature('another-token', `${publicUrl}${path}`, callback),
    );
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'unauthorized' });
    const altered = new URLSearchParams(callback);
    altered.set('MessageStatus', 'failed');
    expect((await post(altered, signature)).status).toBe(401);
    // Signed for the URL this server sees instead of the public one: not what Twilio signs.
    expect(
      (await post(callback, twilioSignature(authToken, `http://10.0.0.7:3000${path}`, callback)))
        .status,
    ).toBe(401);
    // An unknown message: accepted and ignored, once the signature holds.
    expect((await post(callback, signature)).status).toBe(204);
  });

  test('a signed reply from the phone is taken; an unsigned one is 401', async () => {
    const reply = new URLSearchParams({ From: '+33612345670', Body: 'STOP', To: '+15005550006' });
    expect((await post(reply)).status).toBe(401);
    expect(
      (await post(reply, twilioSignature(authToken, `${publicUrl}${path}`, reply))).status,
    ).toBe(204);
  });
});
