import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.ts';
import { type Kannel, kannelProblem, startKannel } from '../helpers/kannel.ts';
import { type Simulator, startSmscSimulator } from '../helpers/smsc-simulator.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

type Json = Record<string, unknown>;
const TEXT = 'I agree to receive offers from ACME by SMS. Reply STOP to opt out.';
const SECRET = 'kannel-mo-secret-0123456789';

/** Polls until `done` holds (replies are handled asynchronously), bounded in time. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 100 && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

describe.each(BACKENDS)(
  'STOP from SMS routes withdraws consent; codes still leave: $name',
  (backend) => {
    // Tessera's own SMPP route, and the SMSC behind Kannel, each a simulator of its own.
    let direct: Simulator;
    let behindKannel: Simulator;
    let kannel: Kannel;
    let server: ServerType;
    let t: TestApp;
    beforeAll(async () => {
      if (!backend.available) return;
      const problem = kannelProblem();
      if (problem) throw new Error(`the Kannel MO case needs Kannel: ${problem}`);
      direct = await startSmscSimulator();
      behindKannel = await startSmscSimulator();
      // Kannel needs Tessera's address before Tessera knows Kannel's: the port is chosen first.
      const port = await freePort();
      kannel = await startKannel({
        smscHost: behindKannel.host,
        smscPort: behindKannel.port,
        systemId: 'tessera',
        password: 'secret',
        moUrl: `http://127.0.0.1:${port}/v1/providers/kannel/receipts?secret=${SECRET}&from=%p&text=%a`,
      });
      const routes = [
        {
          name: 'smsc',
          provider: 'smpp',
          host: direct.host,
          port: direct.port,
          systemId: 'tessera',
          password: 'secret',
          timeoutMs: 1000,
        },
        {
          name: 'kannel',
          provider: 'kannel',
          url: kannel.baseUrl,
          username: kannel.username,
          password: kannel.password,
          receiptSecret: SECRET,
        },
      ];
      t = await startTestApp(backend, { env: { SMS_ROUTES: JSON.stringify(routes) } });
      await new Promise<void>((ready) => {
        server = serve({ fetch: t.app.fetch, port, hostname: '127.0.0.1' }, (_: AddressInfo) =>
          ready(),
        );
      });
    }, 60_000);
    afterAll(async () => {
      await new Promise((done) => (server ? server.close(done) : done(undefined)));
      await t?.close();
      await kannel?.stop();
      await direct?.close();
      await behindKannel?.close();
    });
    const test = backend.available ? it : it.skip;

    const call = async (method: string, path: string, body?: unknown) => {
      const response = await t.call(method, path, { body });
      return { status: response.status, body: (await response.json()) as Json };
    };
    const codesTo = (phone: string) =>
      direct.submits
        .filter((s) => s.destination === phone.slice(1))
        .map((s) => s.text.match(/\b(\d{6})\b/)?.[1]);
    const consentOf = async (phone: string) =>
      (await call('GET', `/v1/consents?phone=${encodeURIComponent(phone)}`)).body;

    /** A lead whose consent its code confirmed, sent over the SMPP route. */
    async function consentedLead(phone: string) {
      const created = await call('POST', '/v1/leads', {
        phone,
        marketing_consent: { granted: true, text: TEXT, version: 'v1' },
      });
      expect(created.status).toBe(201);
      const code = codesTo(phone).at(-1) as string;
      const checked = await call(
        'POST',
        `/v1/verify/${(created.body.verification as Json).id}/check`,
        { code },
      );
      expect(checked.body.valid).toBe(true);
      expect(await consentOf(phone)).toMatchObject({ state: 'granted' });
    }

    /** The next OTP to the number leaves as before, and only a code. */
    async function nextCodeLeaves(phone: string) {
      const before = codesTo(phone).length;
      expect((await call('POST', '/v1/verify', { to: phone })).status).toBe(201);
      expect(codesTo(phone)).toHaveLength(before + 1);
      expect(codesTo(phone).at(-1)).toMatch(/^\d{6}$/);
    }

    test('STOP in an SMPP deliver_sm', async () => {
      const phone = '+33612347001';
      await consentedLead(phone);
      expect(await direct.sendInbound({ from: phone.slice(1), to: 'Tessera', text: 'STOP' })).toBe(
        0,
      );
      const state = await eventually(
        () => consentOf(phone),
        (s) => s.state === 'withdrawn',
      );
      expect(state).toMatchObject({ state: 'withdrawn', opposed: true });
      expect((state.history as Json[]).at(-1)).toMatchObject({
        action: 'withdrawn',
        method: 'sms_reply',
        reason: 'stop',
        route: 'smsc',
      });
      await nextCodeLeaves(phone);
    });

    test('ARRET through Kannel: SMSC, bearerbox, smsbox get-url, Tessera', async () => {
      const phone = '+33612347002';
      await consentedLead(phone);
      expect(
        await behindKannel.sendInbound({ from: phone.slice(1), to: '36123', text: 'Arret merci' }),
      ).toBe(0);
      const state = await eventually(
        () => consentOf(phone),
        (s) => s.state === 'withdrawn',
      );
      expect((state.history as Json[]).at(-1)).toMatchObject({
        method: 'sms_reply',
        reason: 'arret',
        route: 'kannel',
      });
      await nextCodeLeaves(phone);
    });

    test('a reply that is not an opt-out withdraws nothing', async () => {
      const phone = '+33612347003';
      await consentedLead(phone);
      await direct.sendInbound({ from: phone.slice(1), to: 'Tessera', text: 'HELP' });
      await direct.sendInbound({ from: phone.slice(1), to: 'Tessera', text: 'STOP' });
      const state = await eventually(
        () => consentOf(phone),
        (s) => s.state === 'withdrawn',
      );
      // HELP came first and left no row; STOP's is the only withdrawal.
      expect((state.history as Json[]).map((r) => r.action)).toEqual(['granted', 'withdrawn']);
    });
  },
);
