import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

const RECEIPT_SECRET = 'receipt-secret-0123456789';
const TO = '+33612345671';

// Only the real backend: the rows are read back from PostgreSQL.
const backend = BACKENDS.find((b) => b.real)!;
const test = backend.available ? it : it.skip;

describe('audit rows written for a provider: the app the message belongs to, no end user', () => {
  let t: TestApp;
  let provider: Server;

  beforeAll(async () => {
    if (!backend.available) return;
    // A provider's HTTP API that takes every message as `m1`.
    provider = createServer((request, response) => {
      request.resume();
      request.on('end', () =>
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"m1"}'),
      );
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    const routes = [
      {
        name: 'web',
        provider: 'http',
        url: `http://127.0.0.1:${(provider.address() as AddressInfo).port}/sms`,
        body: { to: '{{to}}', text: '{{text}}' },
        messageIdPath: 'id',
        receiptSecret: RECEIPT_SECRET,
      },
    ];
    t = await startTestApp(backend, { env: { SMS_ROUTES: JSON.stringify(routes) } });
  });

  afterAll(async () => {
    await t?.close();
    provider?.closeAllConnections();
    await new Promise((resolve) => provider?.close(resolve));
  });

  const callback = (body: unknown) =>
    t.app.request(`/v1/providers/web/receipts?secret=${RECEIPT_SECRET}`, {
      method: 'POST',
      // A client address on the provider's call must not be taken for an end user's.
      headers: {
        'content-type': 'application/json',
        'user-agent': 'provider-callback/1.0',
        'x-forwarded-for': '203.0.113.9',
      },
      body: JSON.stringify(body),
    });

  test('a delivery receipt and a reply from the phone', async () => {
    const started = await t.call('POST', '/v1/verify', { body: { to: TO } });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: string };
    expect((await callback({ message_id: 'm1', status: 'delivered' })).status).toBe(204);
    expect((await callback({ from: TO, text: 'STOP' })).status).toBe(204);

    const client = new pg.Client({ connectionString: t.databaseUrl as string });
    await client.connect();
    try {
      const { rows: created } = await client.query(
        "select app_id from audit_events where type = 'verification.created' and verification_id = $1",
        [id],
      );
      expect(created).toHaveLength(1);
      const { rows } = await client.query(
        `select type, app_id, client_ip, user_agent from audit_events
          where type in ('sms.delivered', 'sms.inbound') order by type`,
      );
      const row = (type: string) => ({
        type,
        app_id: created[0].app_id,
        client_ip: null,
        user_agent: null,
      });
      expect(rows).toEqual([row('sms.delivered'), row('sms.inbound')]);
    } finally {
      await client.end();
    }
  });
});
