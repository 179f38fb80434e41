import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSmscSimulator } from '../../helpers/smsc-simulator.ts';
import { BACKENDS, startTestApp, type TestApp } from '../../helpers/test-app.ts';

/** Polls until `read` gives what `done` wants (receipts arrive asynchronously), bounded in time. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 50 && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

describe.each(BACKENDS)('verification over an SMPP route to a simulated SMSC: $name', (backend) => {
  let smsc: Simulator;
  let t: TestApp;
  beforeAll(async () => {
    if (!backend.available) return;
    smsc = await startSmscSimulator();
    const routes = [
      {
        name: 'smsc',
        provider: 'smpp',
        host: smsc.host,
        port: smsc.port,
        systemId: 'tessera',
        password: 'secret',
        timeoutMs: 1000,
      },
      { name: 'console', provider: 'console' },
    ];
    t = await startTestApp(backend, { env: { SMS_ROUTES: JSON.stringify(routes) } });
  });
  afterAll(async () => {
    await t?.close();
    await smsc?.close();
  });
  const test = backend.available ? it : it.skip;

  const read = async (id: string) =>
    (await (await t.call('GET', `/v1/verify/${id}`)).json()) as {
      delivery: { status: string; route: string };
    };

  test('the code leaves with priority 3 and a receipt request; DELIVRD turns it delivered', async () => {
    smsc.behave('+33612345601', { kind: 'deliver', receiptAfterMs: 50 });
    const sent = await t.call('POST', '/v1/verify', { body: { to: '+33612345601', locale: 'fr' } });
    expect(sent.status).toBe(201);
    const body = (await sent.json()) as { id: string; delivery: { route: string } };
    expect(body.delivery.route).toBe('smsc');
    const submit = smsc.submits.at(-1);
    expect(submit).toMatchObject({
      destination: '33612345601',
      priorityFlag: 3,
      registeredDelivery: 1,
      dataCoding: 0,
    });
    expect(submit?.text).toMatch(/Tessera : votre code est \d{6}\. Valable 10 min\./);
    const state = await eventually(
      () => read(body.id),
      (v) => v.delivery.status === 'delivered',
    );
    expect(state.delivery).toEqual({ status: 'delivered', route: 'smsc' });
  });

  test('an undeliverable receipt turns it failed', async () => {
    smsc.behave('+33612345602', { kind: 'undeliverable', receiptAfterMs: 50 });
    const body = (await (
      await t.call('POST', '/v1/verify', { body: { to: '+33612345602' } })
    ).json()) as { id: string };
    const state = await eventually(
      () => read(body.id),
      (v) => v.delivery.status === 'failed',
    );
    expect(state.delivery.status).toBe('failed');
  });

  test('a STOP reply on the session is recorded for the apps that messaged the number', async () => {
    if (!backend.real) return; // the audit table is read with SQL below
    expect((await t.call('POST', '/v1/verify', { body: { to: '+33612345604' } })).status).toBe(201);
    expect(await smsc.sendInbound({ from: '33612345604', to: 'Tessera', text: 'stop merci' })).toBe(
      0,
    );
    const client = new pg.Client({ connectionString: t.databaseUrl as string });
    await client.connect();
    try {
      const rows = await eventually(
        async () =>
          (
            await client.query<{
              type: string;
              reason: string | null;
              phone_masked: string;
              detail: { keyword: string };
            }>(
              "select type, reason, phone_masked, detail from audit_events where type = 'sms.inbound'",
            )
          ).rows,
        (r) => r.length > 0,
      );
      expect(rows).toEqual([
        {
          type: 'sms.inbound',
          reason: 'opt_out',
          phone_masked: '+33 6•• •• •• 04',
          detail: { route: 'smsc', keyword: 'STOP' },
        },
      ]);
      expect(JSON.stringify(rows)).not.toContain('merci');
    } finally {
      await client.end();
    }
  });

  test('a rejected submit fails over to the next route', async () => {
    smsc.behave('+33612345603', { kind: 'reject' });
    const response = await t.call('POST', '/v1/verify', { body: { to: '+33612345603' } });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ delivery: { status: 'sent', route: 'console' } });
  });
});
