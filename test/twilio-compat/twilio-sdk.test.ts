import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findApiKey } from '../../src/access/index.ts';
import {
  BACKENDS,
  createTestClock,
  settingsWith,
  startTestApp,
  type TestApp,
} from '../helpers/test-app.ts';

// The official SDK, pointed at Tessera by its documented base-URL override; edge and region
// settings from the environment would send it elsewhere.
delete process.env.TWILIO_EDGE;
delete process.env.TWILIO_REGION;

const SERVICE = 'VA0123456789abcdef0123456789abcdef';
/** Any account sid: the SDK wants one starting with AC; the key alone names the app. */
const ACCOUNT = 'AC00000000000000000000000000000000';

let serial = 74_000_000;
/** Every number the suite used, to look for in the logs. */
const used: string[] = [];
const freshNumber = () => {
  const number = `+336${String(serial++).padStart(8, '0')}`;
  used.push(number);
  return number;
};

interface TwilioFailure {
  status: number;
  code: number;
  moreInfo: string;
}

/** The SDK's RestException for a call that must fail. */
async function failure(call: Promise<unknown>): Promise<TwilioFailure> {
  const error = await call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e as TwilioFailure,
  );
  expect(error.constructor.name).toBe('RestException');
  return error;
}

describe.each(BACKENDS)('Twilio Verify v2 through the twilio SDK: $name', (backend) => {
  const clock = createTestClock();
  let t: TestApp;
  let server: ServerType;
  let base: string;
  const service = (key = t.keys.a) => {
    const client = twilio(ACCOUNT, key);
    client.verify.baseUrl = base;
    return client.verify.v2.services(SERVICE);
  };

  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend, { clock });
    await new Promise<void>((ready) => {
      server = serve(
        { fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' },
        (info: AddressInfo) => {
          base = `http://127.0.0.1:${info.port}`;
          ready();
        },
      );
    });
  });
  afterAll(async () => {
    if (server) {
      // Keep-alive connections would hold close() until their idle timeout.
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    }
    await t?.close();
  });
  const test = backend.available ? it : it.skip;
  beforeEach(() => clock.advance(1_000));

  test('send: a pending sms verification with a VE sid, and the code leaves', async () => {
    const to = freshNumber();
    const verification = await service().verifications.create({ to, channel: 'sms' });
    expect(verification.sid).toMatch(/^VE[0-9a-f]{32}$/);
    expect(verification).toMatchObject({
      serviceSid: SERVICE,
      status: 'pending',
      channel: 'sms',
      valid: false,
      to: `+33 6•• •• •• ${to.slice(-2)}`,
      amount: null,
      payee: null,
    });
    expect(verification.accountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(verification.sendCodeAttempts).toHaveLength(1);
    expect(verification.dateCreated).toBeInstanceOf(Date);
    expect(verification.url).toBe(
      `${base}/v2/Services/${SERVICE}/Verifications/${verification.sid}`,
    );
    expect(await t.lastCode(to)).toMatch(/^\d{6}$/);
  });

  test('check: a wrong code is pending and invalid, the right one approves, once', async () => {
    const to = freshNumber();
    const { sid } = await service().verifications.create({ to, channel: 'sms' });
    const code = await t.lastCode(to);
    const wrong = code === '000000' ? '111111' : '000000';
    const miss = await service().verificationChecks.create({ to, code: wrong });
    expect(miss).toMatchObject({ sid, status: 'pending', valid: false });
    const hit = await service().verificationChecks.create({ to, code });
    expect(hit).toMatchObject({ sid, status: 'approved', valid: true, serviceSid: SERVICE });
    // As Twilio: an approved verification is no longer there to check.
    const again = await failure(
      service().verificationChecks.create({ verificationSid: sid, code }),
    );
    expect(again).toMatchObject({ status: 404, code: 20404 });
    expect((await service().verifications(sid).fetch()).status).toBe('approved');
  });

  test('check by VerificationSid; the same audit rows as /v1 underneath', async () => {
    const to = freshNumber();
    const { sid } = await service().verifications.create({ to, channel: 'sms' });
    const code = await t.lastCode(to);
    const checked = await service().verificationChecks.create({ verificationSid: sid, code });
    expect(checked.status).toBe('approved');
    const id = `ver_${Buffer.from(sid.slice(2), 'hex').toString('base64url')}`;
    const response = await t.call('GET', `/v1/audit/events?verification_id=${id}&order=asc`, {
      key: t.keys.aAuditOnly,
    });
    const { events } = (await response.json()) as { events: { type: string }[] };
    expect(events.map((e) => e.type)).toEqual([
      'verification.created',
      'sms.sent',
      'check.approved',
    ]);
    // And /v1 reads the very same verification.
    const v1 = await t.call('GET', `/v1/verify/${id}`);
    expect(((await v1.json()) as { status: string }).status).toBe('approved');
  });

  test('a second send while pending resends on the same sid; only the new code works', async () => {
    const to = freshNumber();
    const first = await service().verifications.create({ to, channel: 'sms' });
    const oldCode = await t.lastCode(to);
    const second = await service().verifications.create({ to, channel: 'sms', locale: 'fr' });
    expect(second.sid).toBe(first.sid);
    expect(second.sendCodeAttempts).toHaveLength(2);
    const newCode = await t.lastCode(to);
    if (oldCode !== newCode) {
      const stale = await service().verificationChecks.create({ to, code: oldCode });
      expect(stale.valid).toBe(false);
    }
    expect((await service().verificationChecks.create({ to, code: newCode })).valid).toBe(true);
  });

  test('fetch by sid and by number; cancel; a canceled one is not there to check', async () => {
    const to = freshNumber();
    const { sid } = await service().verifications.create({ to, channel: 'sms' });
    expect((await service().verifications(sid).fetch()).status).toBe('pending');
    expect((await service().verifications(to).fetch()).sid).toBe(sid);
    const canceled = await service().verifications(sid).update({ status: 'canceled' });
    expect(canceled).toMatchObject({ sid, status: 'canceled', valid: false });
    const code = await t.lastCode(to);
    const check = await failure(
      service().verificationChecks.create({ verificationSid: sid, code }),
    );
    expect(check).toMatchObject({ status: 404, code: 20404 });
    const byNumber = await failure(service().verificationChecks.create({ to, code }));
    expect(byNumber).toMatchObject({ status: 404, code: 20404 });
  });

  test('an expired verification reads expired and is not there to check', async () => {
    const to = freshNumber();
    const { sid } = await service().verifications.create({ to, channel: 'sms' });
    const code = await t.lastCode(to);
    clock.advance(601_000);
    expect((await service().verifications(sid).fetch()).status).toBe('expired');
    const check = await failure(
      service().verificationChecks.create({ verificationSid: sid, code }),
    );
    expect(check).toMatchObject({ status: 404, code: 20404 });
  });

  test('max check attempts: five wrong codes, then 429 60202 even for the right one', async () => {
    const to = freshNumber();
    const { sid } = await service().verifications.create({ to, channel: 'sms' });
    const code = await t.lastCode(to);
    const wrong = code === '000000' ? '111111' : '000000';
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await service().verificationChecks.create({ verificationSid: sid, code: wrong })).status,
      );
    }
    expect(statuses).toEqual([...Array(4).fill('pending'), 'max_attempts_reached']);
    const sixth = await failure(
      service().verificationChecks.create({ verificationSid: sid, code }),
    );
    expect(sixth).toMatchObject({ status: 429, code: 60202 });
    expect(sixth.moreInfo).toBe('https://www.twilio.com/docs/errors/60202');
  });

  test('max send attempts: the sixth send on one verification is 429 60203', async () => {
    const to = freshNumber();
    const sids = new Set<string>();
    for (let i = 0; i < 5; i++)
      sids.add((await service().verifications.create({ to, channel: 'sms' })).sid);
    expect(sids.size).toBe(1);
    const sixth = await failure(service().verifications.create({ to, channel: 'sms' }));
    expect(sixth).toMatchObject({ status: 429, code: 60203 });
  });

  test('another limit is 429 20429, with Retry-After', async () => {
    const principal = await findApiKey(t.runtime.modules.access, t.keys.b);
    const appId = principal?.app.id as string;
    await t.runtime.modules.access.updateApp(
      appId,
      { settings: settingsWith({ limits: { ipSendHour: 1 } }) },
      [],
    );
    await service(t.keys.b).verifications.create({ to: freshNumber(), channel: 'sms' });
    const refused = await failure(
      service(t.keys.b).verifications.create({ to: freshNumber(), channel: 'sms' }),
    );
    expect(refused).toMatchObject({ status: 429, code: 20429 });
    const raw = await fetch(`${base}/v2/Services/${SERVICE}/Verifications`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${ACCOUNT}:${t.keys.b}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ To: freshNumber(), Channel: 'sms' }),
    });
    expect(raw.status).toBe(429);
    expect(raw.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await raw.json()).toEqual({
      code: 20429,
      message: expect.any(String),
      more_info: 'https://www.twilio.com/docs/errors/20429',
      status: 429,
    });
  });

  test('Locale picks the SMS language; DeviceIp is the end user of limits and audit', async () => {
    const to = freshNumber();
    const { sid } = await service().verifications.create({
      to,
      channel: 'sms',
      locale: 'fr-CA',
      deviceIp: '203.0.113.77',
    });
    expect(t.printed.at(-1)).toContain('votre code est');
    await service().verifications.create({ to: freshNumber(), channel: 'sms', locale: 'de' });
    expect(t.printed.at(-1)).toContain('your code is');
    const id = `ver_${Buffer.from(sid.slice(2), 'hex').toString('base64url')}`;
    const response = await t.call('GET', `/v1/audit/events?verification_id=${id}`, {
      key: t.keys.aAuditOnly,
    });
    const { events } = (await response.json()) as { events: { client_ip: string | null }[] };
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event.client_ip).toBe('203.0.113.77');
  });

  test('a destination the app does not enable is 403 60605; nothing is sent', async () => {
    const principal = await findApiKey(t.runtime.modules.access, t.keys.b);
    await t.runtime.modules.access.updateApp(
      principal?.app.id as string,
      { settings: settingsWith({ allowedCountries: ['BE'] }) },
      [],
    );
    const printed = t.printed.length;
    const refused = await failure(
      service(t.keys.b).verifications.create({ to: freshNumber(), channel: 'sms' }),
    );
    expect(refused).toMatchObject({ status: 403, code: 60605 });
    expect(t.printed.length).toBe(printed);
  });

  test('invalid parameters are 400 60200 naming the parameter; nothing is sent', async () => {
    const printed = t.printed.length;
    const badTo = await failure(
      service().verifications.create({ to: '0612345678', channel: 'sms' }),
    );
    expect(badTo).toMatchObject({ status: 400, code: 60200, message: 'Invalid parameter: To' });
    const noTo = await failure(service().verifications.create({ to: '', channel: 'sms' }));
    expect(noTo).toMatchObject({ status: 400, code: 60200, message: 'Invalid parameter: To' });
    const pigeon = await failure(
      service().verifications.create({ to: freshNumber(), channel: 'pigeon' }),
    );
    expect(pigeon).toMatchObject({
      status: 400,
      code: 60200,
      message: 'Invalid parameter: Channel',
    });
    expect(t.printed.length).toBe(printed);

    const to = freshNumber();
    const { sid } = await service().verifications.create({ to, channel: 'sms' });
    const badCode = await failure(
      service().verificationChecks.create({ verificationSid: sid, code: '12ab' }),
    );
    expect(badCode).toMatchObject({ status: 400, code: 60200, message: 'Invalid parameter: Code' });
    // No attempt was spent by the malformed code.
    const code = await t.lastCode(to);
    expect((await service().verificationChecks.create({ verificationSid: sid, code })).valid).toBe(
      true,
    );
    const noTarget = await failure(service().verificationChecks.create({ code }));
    expect(noTarget).toMatchObject({ status: 400, code: 60221 });
    const badStatus = await failure(
      service()
        .verifications(sid)
        .update({ status: 'paused' as 'canceled' }),
    );
    expect(badStatus).toMatchObject({
      status: 400,
      code: 60200,
      message: 'Invalid parameter: Status',
    });
  });

  test('a body over the size limit is refused in Twilio shape too (413 20413)', async () => {
    const raw = await fetch(`${base}/v2/Services/${SERVICE}/Verifications`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${ACCOUNT}:${t.keys.a}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ To: freshNumber(), Channel: 'sms', Pad: 'x'.repeat(70_000) }),
    });
    expect(raw.status).toBe(413);
    expect(await raw.json()).toMatchObject({ code: 20413, status: 413 });
  });

  test('unsupported features: other channels 60223, CustomCode and manual approval 60204', async () => {
    const printed = t.printed.length;
    const call = await failure(
      service().verifications.create({ to: freshNumber(), channel: 'call' }),
    );
    expect(call).toMatchObject({ status: 400, code: 60223 });
    const custom = await failure(
      service().verifications.create({ to: freshNumber(), channel: 'sms', customCode: '424242' }),
    );
    expect(custom).toMatchObject({ status: 400, code: 60204 });
    expect(t.printed.length).toBe(printed);
    const { sid } = await service().verifications.create({ to: freshNumber(), channel: 'sms' });
    const approve = await failure(service().verifications(sid).update({ status: 'approved' }));
    expect(approve).toMatchObject({ status: 400, code: 60204 });
    expect((await service().verifications(sid).fetch()).status).toBe('pending');
  });

  test('authentication: a wrong key is 401 20003, a key without verify 403 20403', async () => {
    const wrongKey = await failure(
      service('tsk_not_a_key').verifications.create({ to: freshNumber(), channel: 'sms' }),
    );
    expect(wrongKey).toMatchObject({ status: 401, code: 20003 });
    const auditOnly = await failure(
      service(t.keys.aAuditOnly).verifications.create({ to: freshNumber(), channel: 'sms' }),
    );
    expect(auditOnly).toMatchObject({ status: 403, code: 20403 });
    // A Bearer key is not how this surface authenticates.
    const bearer = await fetch(`${base}/v2/Services/${SERVICE}/Verifications/VE${'0'.repeat(32)}`, {
      headers: { authorization: `Bearer ${t.keys.a}` },
    });
    expect(bearer.status).toBe(401);
    expect(((await bearer.json()) as { code: number }).code).toBe(20003);
  });

  test('not found: another app, an unknown sid, a malformed service sid are 404 20404', async () => {
    const { sid } = await service().verifications.create({ to: freshNumber(), channel: 'sms' });
    const otherApp = await failure(service(t.keys.b).verifications(sid).fetch());
    expect(otherApp).toMatchObject({ status: 404, code: 20404 });
    const unknown = await failure(
      service()
        .verifications(`VE${'0'.repeat(32)}`)
        .fetch(),
    );
    expect(unknown).toMatchObject({ status: 404, code: 20404 });
    const client = twilio(ACCOUNT, t.keys.a);
    client.verify.baseUrl = base;
    const badService = await failure(
      client.verify.v2.services('VAnope').verifications(sid).fetch(),
    );
    expect(badService).toMatchObject({ status: 404, code: 20404 });
  });
  test('parallel right codes approve once; the others find it approved (20404) or spent (60202)', async () => {
    const to = freshNumber();
    const { sid } = await service().verifications.create({ to, channel: 'sms' });
    const code = await t.lastCode(to);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        service().verificationChecks.create({ verificationSid: sid, code }),
      ),
    );
    const approved = outcomes.filter((o) => o.status === 'fulfilled');
    expect(approved).toHaveLength(1);
    // A loser finds the verification approved (20404) or, when more checks are in flight than
    // it has attempts, its attempts taken by them (60202): never a second approval.
    for (const o of outcomes) {
      if (o.status === 'rejected') {
        expect([
          [404, 20404],
          [429, 60202],
        ]).toContainEqual([o.reason.status, o.reason.code]);
      }
    }
  });

  test('no log line holds a number (even one given in the path), a code or the key', async () => {
    const to = freshNumber();
    await service().verifications.create({ to, channel: 'sms' });
    await service().verifications(to).fetch();
    const code = await t.lastCode(to);
    await service().verificationChecks.create({ to, code });
    const logs = t.logs.join('\n');
    expect(logs).toContain('/v2/Services/:ServiceSid/Verifications/:Sid');
    for (const number of used) {
      expect(logs).not.toContain(number);
      expect(logs).not.toContain(number.slice(1));
    }
    expect(logs).not.toContain(t.keys.a);
    expect(logs).not.toContain(`code is ${code}`);
  });
});
