import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSmsRoutes } from '../../src/sms/index.ts';
import { recordInbound } from '../../src/sms/receipts/record-inbound.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

type Json = Record<string, unknown>;
const NUMBER = '+33612347101';

describe.each(BACKENDS)("a route's inboundApp narrows a STOP to that app: $name", (backend) => {
  let t: TestApp;
  let appB: string;
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend);
    appB = (await t.runtime.modules.access.ensureApp('app-b')).id;
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;

  const consentOf = async (key: string) =>
    (await (
      await t.call('GET', `/v1/consents?phone=${encodeURIComponent(NUMBER)}`, { key })
    ).json()) as Json;

  test('app A messaged the number, but the reply came to app B’s short code', async () => {
    expect((await t.call('POST', '/v1/verify', { body: { to: NUMBER } })).status).toBe(201);
    const { inbound } = t.runtime.modules.receipts;
    const answer = await recordInbound(
      { ...inbound, routeApps: new Map([['shortcode-b', appB]]) },
      { route: 'shortcode-b', from: NUMBER, text: 'STOP' },
    );
    expect(answer).toEqual({ apps: 1 });
    expect(await consentOf(t.keys.b)).toMatchObject({ state: 'withdrawn', opposed: true });
    expect(await consentOf(t.keys.a)).toMatchObject({ state: 'none', opposed: false });
    // Without the narrowing, the apps that messaged the number are the ones concerned.
    await recordInbound(inbound, { route: 'console', from: NUMBER, text: 'STOP' });
    expect(await consentOf(t.keys.a)).toMatchObject({ state: 'withdrawn' });
  });

  test('SMS_ROUTES accepts inboundApp on a route', () => {
    const routes = parseSmsRoutes(
      JSON.stringify([{ name: 'shortcode', provider: 'console', inboundApp: 'app_x' }]),
    );
    expect(routes[0]?.inboundApp).toBe('app_x');
  });
});
