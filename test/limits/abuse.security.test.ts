import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  createTestClock,
  settingsWith,
  startTestApp,
  type TestApp,
} from '../helpers/test-app.ts';

let serial = 20_000_000;
const freshNumber = () => `+336${String(serial++).padStart(8, '0')}`;
/** Numbers of one prefix (all but the last 4 digits shared), a prefix no other test uses. */
let ranges = 0;
const numberRange = () => {
  const prefix = `+33615${String(ranges++).padStart(2, '0')}`;
  return (i: number) => `${prefix}${String(i).padStart(4, '0')}`;
};

describe.each(BACKENDS)('abuse: $name', (backend) => {
  const FLOOR_MS = 80;
  let t: TestApp;
  let appA: string;
  // The pumping watch judges sends once they are two buckets old (10 minutes with its hour).
  const clock = createTestClock();
  const settle = () => clock.advance(10 * 60_000);
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend, { refusalFloorMs: FLOOR_MS, clock });
    appA = (await t.runtime.modules.access.ensureApp('app-a')).id;
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;
  const setSettings = (settings: Parameters<typeof settingsWith>[0]) =>
    t.runtime.modules.access.updateApp(appA, { settings: settingsWith(settings) }, []);

  test('Idempotency-Key: the same request twice answers the first response and sends one SMS', async () => {
    await setSettings({});
    const body = { to: freshNumber(), purpose: 'signup' };
    const headers = { 'idempotency-key': `signup-${serial}` };
    const call = (b: unknown) =>
      t.app.request('/v1/verify', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${t.keys.a}`,
          'content-type': 'application/json',
          ...headers,
        },
        body: JSON.stringify(b),
      });
    const printed = t.printed.length;
    const first = await call(body);
    const again = await call({ purpose: 'signup', to: body.to }); // same body, other key order
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    expect(t.printed.length - printed).toBe(1);

    const other = await call({ ...body, purpose: 'login' });
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ code: 'idempotency_key_reused' });
    expect(t.printed.length - printed).toBe(1);
  });

  test('Idempotency-Key: 10 parallel identical requests send one SMS', async () => {
    await setSettings({});
    const body = JSON.stringify({ to: freshNumber() });
    const printed = t.printed.length;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.app.request('/v1/verify', {
          method: 'POST',
          headers: {
            authorization: `Bearer ${t.keys.a}`,
            'content-type': 'application/json',
            'idempotency-key': 'burst-1',
          },
          body,
        }),
      ),
    );
    expect(t.printed.length - printed).toBe(1);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
  });

  test('destinations: a country outside the app allowlist is refused before anything is sent', async () => {
    await setSettings({ allowedCountries: ['FR'] });
    const printed = t.printed.length;
    const refused = await t.call('POST', '/v1/verify', { body: { to: '+447400123456' } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'destination_blocked' });
    expect(t.printed.length).toBe(printed);
    expect((await t.call('POST', '/v1/verify', { body: { to: freshNumber() } })).status).toBe(201);
    await setSettings({});
  });

  test('premium-rate, shared-cost, toll-free and landline numbers are refused before sending', async () => {
    const printed = t.printed.length;
    for (const to of [
      '+33899123456',
      '+33810123456',
      '+33800123456',
      '+33123456789',
      '+19005550123',
    ]) {
      const response = await t.call('POST', '/v1/verify', { body: { to } });
      expect(response.status, to).toBe(422);
    }
    expect(t.printed.length).toBe(printed);
  });

  test('enumeration: a refused number, a blocked country and a limit look alike in shape and timing', async () => {
    await setSettings({ allowedCountries: ['FR'], limits: { phoneSendHour: 1 } });
    const limited = freshNumber();
    expect((await t.call('POST', '/v1/verify', { body: { to: limited } })).status).toBe(201);
    const cases = [
      { to: '+33123456789' }, // refused number
      { to: '+447400123456' }, // blocked country
      { to: limited }, // limit
    ];
    const answers = [];
    for (const body of cases) {
      const started = performance.now();
      const response = await t.call('POST', '/v1/verify', { body });
      const ms = performance.now() - started;
      const json = (await response.json()) as Record<string, unknown>;
      answers.push({
        ms,
        keys: Object.keys(json)
          .filter((k) => k !== 'limit')
          .sort(),
        type: response.headers.get('content-type'),
      });
    }
    for (const answer of answers) {
      expect(answer.ms).toBeGreaterThanOrEqual(FLOOR_MS - 1);
      expect(answer.type).toBe('application/problem+json');
      expect(answer.keys).toEqual(['code', 'detail', 'status', 'title', 'type']);
    }
    await setSettings({});
  });

  test('SMS pumping: a prefix past its floor that does not convert is refused, and the trip is counted', async () => {
    await setSettings({ pumping: { prefixSendsPerWindow: 3 } });
    const range = numberRange();
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      if (i === 4) settle();
      const response = await t.call('POST', '/v1/verify', { body: { to: range(i) } });
      statuses.push(response.status);
      if (response.status === 429)
        expect(await response.json()).toMatchObject({ limit: 'pumping_prefix' });
    }
    // Four codes sent and none entered: once they are old enough to judge, the prefix is paused.
    expect(statuses).toEqual([201, 201, 201, 201, 429, 429]);
    const metrics = await (await t.call('GET', '/metrics', { key: null })).text();
    expect(metrics).toMatch(
      /tessera_pumping_trips_total\{scope="prefix",reason="velocity",dry_run="false"\} [1-9]/,
    );
  });

  test('SMS pumping: a prefix past its floor that converts is not refused', async () => {
    await setSettings({ pumping: { prefixSendsPerWindow: 3 } });
    const range = numberRange();
    for (let i = 0; i < 6; i++) {
      if (i === 4) settle();
      const sent = await t.call('POST', '/v1/verify', { body: { to: range(i) } });
      expect(sent.status).toBe(201);
      const { id } = (await sent.json()) as { id: string };
      const code = await t.lastCode(range(i));
      const checked = await t.call('POST', `/v1/verify/${id}/check`, { body: { code } });
      expect(await checked.json()).toMatchObject({ valid: true });
    }
    await setSettings({});
  });

  test('SMS pumping: a send a limit refuses is not counted against its prefix', async () => {
    await setSettings({ limits: { phoneSendHour: 1 }, pumping: { prefixSendsPerWindow: 2 } });
    const range = numberRange();
    expect((await t.call('POST', '/v1/verify', { body: { to: range(0) } })).status).toBe(201);
    const refused = await t.call('POST', '/v1/verify', {
      body: { to: range(0), purpose: 'signup' },
    });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ limit: 'phone_send_hour' });
    expect((await t.call('POST', '/v1/verify', { body: { to: range(1) } })).status).toBe(201);
    settle();
    // Had the refused send been counted, the prefix would have 3 judged sends, past its floor.
    expect((await t.call('POST', '/v1/verify', { body: { to: range(2) } })).status).toBe(201);
    settle();
    const fourth = await t.call('POST', '/v1/verify', { body: { to: range(3) } });
    expect(fourth.status).toBe(429);
    expect(await fourth.json()).toMatchObject({ limit: 'pumping_prefix' });
    await setSettings({});
  });

  test('SMS pumping, dry run: the trip is reported and nothing is blocked', async () => {
    await setSettings({ pumping: { prefixSendsPerWindow: 1, dryRun: true } });
    const range = numberRange();
    for (let i = 0; i < 4; i++) {
      if (i === 2) settle();
      expect((await t.call('POST', '/v1/verify', { body: { to: range(i) } })).status).toBe(201);
    }
    const metrics = await (await t.call('GET', '/metrics', { key: null })).text();
    expect(metrics).toMatch(
      /tessera_pumping_trips_total\{scope="prefix",reason="velocity",dry_run="true"\} [1-9]/,
    );
    await setSettings({});
  });

  test('X-Forwarded-For spoofing: without a trusted proxy, rotating it does not escape the IP limit', async () => {
    await setSettings({ limits: { ipSendHour: 3 } });
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`http://127.0.0.1:${port}/v1/verify`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${t.keys.a}`,
            'content-type': 'application/json',
            'x-forwarded-for': `198.51.100.${i + 1}`,
          },
          body: JSON.stringify({ to: freshNumber() }),
        });
        statuses.push(response.status);
        if (response.status === 429)
          expect(await response.json()).toMatchObject({ limit: 'ip_send_hour' });
        else await response.arrayBuffer();
      }
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await setSettings({});
    }
  });
});

describe('destinations the operator enables (ALLOWED_COUNTRIES)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(BACKENDS[1] as (typeof BACKENDS)[1], {
      env: { ALLOWED_COUNTRIES: 'FR,BE' },
    });
  });
  afterAll(async () => t?.close());

  it('refuses other countries for every app, whatever the app allows', async () => {
    const appB = (await t.runtime.modules.access.ensureApp('app-b')).id;
    await t.runtime.modules.access.updateApp(
      appB,
      {
        settings: settingsWith({ allowedCountries: ['FR', 'GB'] }),
      },
      [],
    );
    const uk = await t.call('POST', '/v1/verify', { key: t.keys.b, body: { to: '+447400123456' } });
    expect(uk.status).toBe(403);
    expect(await uk.json()).toMatchObject({ code: 'destination_blocked' });
    expect(
      (await t.call('POST', '/v1/verify', { key: t.keys.b, body: { to: freshNumber() } })).status,
    ).toBe(201);
    expect(t.printed).toHaveLength(1);
  });
});
