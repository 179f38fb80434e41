import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.ts';
import { BACKENDS, createTestClock, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

type Json = Record<string, unknown>;

describe.each(BACKENDS)('webhooks: $name', (backend) => {
  const clock = createTestClock();
  let t: TestApp;
  let admin: string;
  let appA: string;
  let otherAdmin: string;
  let receiver: WebhookReceiver;
  let numberSeq = 0;
  const numberOf = (n: number) => `+336124${String(10_000 + n).padStart(5, '0')}`;
  const nextNumber = () => numberOf(numberSeq++);
  const lastNumber = () => numberOf(numberSeq - 1);

  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend, { clock, env: { WEBHOOK_ALLOW_LOOPBACK: 'true' } });
    const store = t.runtime.modules.access;
    const a = await createApiKey({ store, appName: 'app-a', scopes: ['admin'] });
    admin = a.key;
    appA = a.appId;
    otherAdmin = (await createApiKey({ store, appName: 'app-b', scopes: ['admin'] })).key;
  });
  afterAll(async () => t?.close());
  afterEach(async () => {
    // Each test its own receiver and endpoints: nothing queued for one reaches the next.
    for (const key of [admin, otherAdmin]) {
      const { body } = await call('GET', '/v1/webhooks', undefined, key);
      for (const e of body.endpoints as Json[])
        await call('DELETE', `/v1/webhooks/${e.id}`, undefined, key);
    }
    await receiver?.close();
  });
  const test = backend.available ? it : it.skip;

  const call = async (method: string, path: string, body?: unknown, key: string = admin) => {
    const response = await t.call(method, path, { body, key });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
  };
  const register = async (events: string[], url?: string) => {
    receiver = await startWebhookReceiver();
    const created = await call('POST', '/v1/webhooks', { url: url ?? receiver.url, events });
    expect(created.status).toBe(201);
    return created.body as Json & { id: string; secret: string };
  };
  const send = async (phone: string) => {
    const sent = await t.call('POST', '/v1/verify', {
      body: { to: phone, purpose: 'login', locale: 'en' },
    });
    expect(sent.status).toBe(201);
    return ((await sent.json()) as { id: string }).id;
  };
  const check = (id: string, code: string) =>
    t.call('POST', `/v1/verify/${id}/check`, { body: { code } });
  /** The endpoint's delivery log once one delivery in it has this status (and passes `also`). */
  const logOnce = async (endpointId: string, status: string, also = (_d: Json) => true) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { body } = await call('GET', `/v1/webhooks/${endpointId}/deliveries?status=${status}`);
      const deliveries = body.deliveries as Json[];
      if (deliveries.some(also)) return deliveries;
      if (Date.now() > deadline) throw new Error(`no ${status} delivery for ${endpointId}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  const verified = (secret: string, request: { body: string; headers: Json }) =>
    new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as Json;

  test('registering needs the admin scope, and the secret is a whsec_ shown once', async () => {
    receiver = await startWebhookReceiver();
    const refused = await call(
      'POST',
      '/v1/webhooks',
      { url: receiver.url, events: ['sms.delivered'] },
      t.keys.a,
    );
    expect(refused.status).toBe(403);
    const created = await register(['verification.approved', 'sms.delivered']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.id).toMatch(/^whk_/);
    const read = await call('GET', `/v1/webhooks/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      url: receiver.url,
      events: ['verification.approved', 'sms.delivered'],
    });
    expect(JSON.stringify(read.body)).not.toContain(created.secret);
    // Another app's endpoint is not found, for reading, deleting and rotating alike.
    expect((await call('GET', `/v1/webhooks/${created.id}`, undefined, otherAdmin)).status).toBe(
      404,
    );
    expect((await call('DELETE', `/v1/webhooks/${created.id}`, undefined, otherAdmin)).status).toBe(
      404,
    );
    expect(
      (await call('POST', `/v1/webhooks/${created.id}/rotate-secret`, undefined, otherAdmin))
        .status,
    ).toBe(404);
  });

  test('a URL into a private, link-local or metadata range, or not https, is refused and stores nothing', async () => {
    for (const url of [
      'https://10.1.2.3/hooks',
      'https://169.254.169.254/latest/meta-data',
      'https://[::ffff:192.168.1.1]/x',
      'https://[fd00::1]/x',
      'https://100.64.0.1/x',
      'http://93.184.216.34/plain-http',
      'ftp://127.0.0.1/x',
      'https://user:pass@127.0.0.1/x',
    ]) {
      const refused = await call('POST', '/v1/webhooks', { url, events: ['sms.delivered'] });
      expect(refused.status, url).toBe(422);
      expect(refused.body.code, url).toBe('webhook_url_refused');
    }
    const unknownEvent = await call('POST', '/v1/webhooks', {
      url: 'https://127.0.0.1/x',
      events: ['verification.created'],
    });
    expect(unknownEvent.status).toBe(400);
    expect((await call('GET', '/v1/webhooks')).body.endpoints).toEqual([]);
  });

  test('an approval is delivered signed (standardwebhooks verifies it), without code or number', async () => {
    const endpoint = await register(['verification.approved']);
    const phone = nextNumber();
    const id = await send(phone);
    const code = await t.lastCode(phone);
    expect((await check(id, code)).status).toBe(200);
    const [request] = await receiver.waitFor(1);
    if (!request) throw new Error('no request');
    const payload = verified(endpoint.secret, request as never);
    expect(payload).toMatchObject({
      type: 'verification.approved',
      data: { verification_id: id, purpose: 'login', status: 'approved' },
    });
    expect(request.headers['webhook-id']).toMatch(/^msg_evt_/);
    // No code, no clear number (in any spelling) anywhere in the body.
    expect(request.body).not.toContain(code);
    expect(request.body).not.toContain(phone);
    expect(request.body).not.toContain(phone.slice(3));
    // A forged body or another secret does not verify.
    expect(() =>
      new Webhook(endpoint.secret).verify(
        request.body.replace('approved', 'canceled'),
        request.headers as never,
      ),
    ).toThrow();
    // The attempt is recorded once the answer is in.
    const log = await logOnce(endpoint.id, 'delivered');
    expect(log).toMatchObject([
      { event_type: 'verification.approved', status: 'delivered', attempts: 1, last_status: 204 },
    ]);
  });

  test('a signature signed is an event with its document and evidence hash, no code or number', async () => {
    const endpoint = await register(['signature.signed']);
    const phone = nextNumber();
    const documentSha256 = 'ab'.repeat(32);
    const created = await t.call('POST', '/v1/signatures', {
      body: {
        signer: { ref: 'signer-1', name: 'Ana Lima', phone },
        document: { id: 'doc-1', title: 'Contract', sha256: documentSha256 },
        consent_text: 'I sign this contract.',
      },
    });
    expect(created.status).toBe(201);
    const signature = (await created.json()) as { id: string; verification: { id: string } };
    const code = await t.lastCode(phone);
    const confirmed = await t.call('POST', `/v1/signatures/${signature.id}/confirm`, {
      body: { code, document_sha256: documentSha256 },
    });
    const { evidence_sha256 } = (await confirmed.json()) as { evidence_sha256: string };
    const [request] = await receiver.waitFor(1);
    if (!request) throw new Error('no request');
    expect(verified(endpoint.secret, request as never)).toMatchObject({
      type: 'signature.signed',
      data: {
        signature_id: signature.id,
        verification_id: signature.verification.id,
        signer_ref: 'signer-1',
        document_id: 'doc-1',
        document_sha256: documentSha256,
        evidence_sha256,
        status: 'signed',
      },
    });
    expect(evidence_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(request.body).not.toContain(code);
    expect(request.body).not.toContain(phone.slice(3));
  });

  test('max attempts and cancel are events; only subscribed types are sent', async () => {
    const endpoint = await register(['verification.max_attempts', 'verification.canceled']);
    const phone = nextNumber();
    const exhausted = await send(phone);
    const code = await t.lastCode(phone);
    for (let i = 0; i < 5; i++) await check(exhausted, wrongCode(code));
    const canceled = await send(nextNumber());
    expect((await t.call('DELETE', `/v1/verify/${canceled}`)).status).toBe(200);
    // An approval is not subscribed to here: nothing is sent for it.
    const approved = await send(nextNumber());
    expect((await check(approved, await t.lastCode(lastNumber()))).status).toBe(200);
    const requests = await receiver.waitFor(2);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(receiver.received).toHaveLength(2);
    const types = requests.map((r) => verified(endpoint.secret, r as never));
    expect(types).toMatchObject([
      {
        type: 'verification.max_attempts',
        data: { verification_id: exhausted, status: 'max_attempts_reached' },
      },
      { type: 'verification.canceled', data: { verification_id: canceled } },
    ]);
    for (const r of requests) expect(r.body).not.toContain(code);
  });

  test('a receiver answering 500 gets the event again after the backoff, logged', async () => {
    const endpoint = await register(['signature.signed']);
    receiver.answer(500);
    await t.runtime.events.publish(appA, 'signature.signed', { n: 1 });
    await receiver.waitFor(1);
    const pending = await logOnce(endpoint.id, 'pending', (d) => d.attempts === 1);
    expect(pending).toMatchObject([
      { status: 'pending', attempts: 1, last_status: 500, last_error: 'answered 500' },
    ]);
    // Not again before the backoff (5 s, +/- 20 %) is over...
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.received).toHaveLength(1);
    // ...and again once it is, with the same message id.
    clock.advance(6_100);
    const [first, second] = await receiver.waitFor(2);
    expect(second?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
    expect(verified(endpoint.secret, second as never)).toMatchObject({ data: { n: 1 } });
    const log = await logOnce(endpoint.id, 'delivered');
    expect(log).toMatchObject([{ status: 'delivered', attempts: 2, last_status: 204 }]);
  });

  test('deliveries to one endpoint keep their order across a failing first one', async () => {
    const endpoint = await register(['signature.signed']);
    receiver.answer(503);
    for (let n = 1; n <= 3; n++) await t.runtime.events.publish(appA, 'signature.signed', { n });
    await receiver.waitFor(1);
    // The first is waiting for its retry: the two after it are not sent before it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.received).toHaveLength(1);
    clock.advance(6_100);
    const requests = await receiver.waitFor(4);
    expect(requests.map((r) => (verified(endpoint.secret, r as never).data as Json).n)).toEqual([
      1, 1, 2, 3,
    ]);
  });

  test('after a rotation both secrets verify for a while, then only the new one', async () => {
    const endpoint = await register(['signature.signed']);
    const rotated = await call('POST', `/v1/webhooks/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const secret = rotated.body.secret as string;
    expect(secret).not.toBe(endpoint.secret);
    await t.runtime.events.publish(appA, 'signature.signed', { n: 1 });
    const [during] = await receiver.waitFor(1);
    expect(String(during?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verified(secret, during as never)).toMatchObject({ data: { n: 1 } });
    expect(verified(endpoint.secret, during as never)).toMatchObject({ data: { n: 1 } });
    clock.advance(24 * 3_600_000 + 1000);
    await t.runtime.events.publish(appA, 'signature.signed', { n: 2 });
    const [, after] = await receiver.waitFor(2);
    if (!after) throw new Error('no request');
    // Signed at the test clock's time, a day ahead: compared with what the new secret signs for
    // that time, since standardwebhooks' own verify checks the timestamp against the real one.
    const signedAt = new Date(Number(after.headers['webhook-timestamp']) * 1000);
    const messageId = String(after.headers['webhook-id']);
    expect(after.headers['webhook-signature']).toBe(
      new Webhook(secret).sign(messageId, signedAt, after.body),
    );
    expect(after.headers['webhook-signature']).not.toContain(
      new Webhook(endpoint.secret).sign(messageId, signedAt, after.body).slice(3),
    );
  });

  test("an app's events reach only its own endpoints", async () => {
    const mine = await register(['signature.signed']);
    const other = await startWebhookReceiver();
    const theirs = await call(
      'POST',
      '/v1/webhooks',
      { url: other.url, events: ['signature.signed'] },
      otherAdmin,
    );
    expect(theirs.status).toBe(201);
    await t.runtime.events.publish(appA, 'signature.signed', { n: 1 });
    await receiver.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(other.received).toHaveLength(0);
    expect(mine.id).not.toBe(theirs.body.id);
    await other.close();
  });

  test('a code left to expire is an expired event at its expiry; an approved one is not', async () => {
    const endpoint = await register(['verification.expired']);
    const lapsing = await send(nextNumber());
    const approved = await send(nextNumber());
    expect((await check(approved, await t.lastCode(lastNumber()))).status).toBe(200);
    // Not before the code's 600 s are over (by the service's clock, which earlier tests moved on)...
    clock.advance(590_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.received).toHaveLength(0);
    // ...then once, for the lapsed one only.
    clock.advance(15_000);
    const [request] = await receiver.waitFor(1);
    if (!request) throw new Error('no request');
    // The clock is days ahead here: checked against what the secret signs for its timestamp, since
    // standardwebhooks' verify compares the timestamp with the real time.
    const signedAt = new Date(Number(request.headers['webhook-timestamp']) * 1000);
    expect(request.headers['webhook-signature']).toBe(
      new Webhook(endpoint.secret).sign(
        String(request.headers['webhook-id']),
        signedAt,
        request.body,
      ),
    );
    expect(JSON.parse(request.body)).toMatchObject({
      type: 'verification.expired',
      data: { verification_id: lapsing, status: 'expired' },
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.received).toHaveLength(1);
  });
});
