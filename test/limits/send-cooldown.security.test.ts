import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BACKENDS,
  createTestClock,
  settingsWith,
  startTestApp,
  type TestApp,
} from '../helpers/test-app.ts';

let serial = 50_000_000;
const freshNumber = () => `+336${String(serial++).padStart(8, '0')}`;
let hosts = 0;
const freshClient = () => ({ ip: `198.18.${Math.floor(++hosts / 250)}.${(hosts % 250) + 1}` });
const PURPOSES = ['login', 'signup', 'password_reset', 'transaction', 'lead', 'signature', 'other'];

/** api.md, Limits: "30 s between any two sends to it (new verification or resend)". */
describe.each(BACKENDS)('the cooldown between two sends to a number: $name', (backend) => {
  const clock = createTestClock();
  let t: TestApp;
  let appId: string;
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend, { clock });
    appId = (await t.runtime.modules.access.ensureApp('app-a')).id;
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;

  const useLimits = (limits: Record<string, number>) =>
    t.runtime.modules.access.updateApp(appId, { settings: settingsWith({ limits }) }, []);
  const send = (to: string, purpose = 'login', client = freshClient()) =>
    t.call('POST', '/v1/verify', { body: { to, purpose, client } });
  const resend = (id: string) =>
    t.call('POST', `/v1/verify/${id}/resend`, { body: { client: freshClient() } });
  const idOf = async (response: Response) => {
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };

  async function expectCooldown(response: Response, maxSeconds = 30) {
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
    expect(await response.json()).toMatchObject({
      status: 429,
      code: 'rate_limited',
      limit: 'resend_cooldown',
    });
    return retryAfter;
  }

  beforeEach(async () => {
    if (backend.available) await useLimits({ resendCooldownSeconds: 30 });
  });

  test('threat: parallel new verifications to one number: exactly one is sent', async () => {
    // 14 sends an hour: room for the whole burst, so only the cooldown refuses; if the refused
    // ones kept their unit of it, the send 30 s later would be the 15th, and refused.
    await useLimits({ resendCooldownSeconds: 30, phoneSendHour: 14 });
    const to = freshNumber();
    const printed = t.printed.length;
    const answers = await Promise.all(
      Array.from({ length: 14 }, (_, i) => send(to, PURPOSES[i % PURPOSES.length])),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(13);
    for (const answer of answers.filter((a) => a.status === 429)) await expectCooldown(answer);
    expect(t.printed.length - printed).toBe(1);

    clock.advance(30_000);
    expect((await send(to)).status).toBe(201);
    expect(t.printed.length - printed).toBe(2);
  });

  test('a new verification to the same number waits for the cooldown, then goes', async () => {
    const to = freshNumber();
    await idOf(await send(to, 'login'));
    clock.advance(12_000);
    expect(await expectCooldown(await send(to, 'signup'))).toBe(18);
    clock.advance(17_999);
    expect(await expectCooldown(await send(to, 'signup'))).toBe(1);
    clock.advance(1);
    await idOf(await send(to, 'signup'));
    // Another number is not held by it.
    await idOf(await send(freshNumber(), 'signup'));
  });

  test('resends and new verifications share the cooldown of the number', async () => {
    const to = freshNumber();
    const first = await idOf(await send(to, 'login'));
    clock.advance(30_000);
    // A new verification for another purpose: the first one's resend must now wait for it.
    await idOf(await send(to, 'signup'));
    const printed = t.printed.length;
    await expectCooldown(await resend(first));
    expect(t.printed.length).toBe(printed);
    clock.advance(30_000);
    expect((await resend(first)).status).toBe(200);
    // And a resend holds the number against a new verification.
    await expectCooldown(await send(to, 'transaction'));
    expect(t.printed.length).toBe(printed + 1);
  });

  test("a send another limit refuses gives the number's cooldown back", async () => {
    await useLimits({ resendCooldownSeconds: 30, ipSendHour: 1 });
    const client = freshClient();
    await idOf(await send(freshNumber(), 'login', client));
    const victim = freshNumber();
    const refused = await send(victim, 'login', client);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ limit: 'ip_send_hour' });
    // The victim's cooldown was not left claimed by the refused send.
    await idOf(await send(victim, 'login'));
  });

  test('an app may set its own cooldown, or none', async () => {
    await useLimits({ resendCooldownSeconds: 5 });
    const to = freshNumber();
    await idOf(await send(to, 'login'));
    expect(await expectCooldown(await send(to, 'signup'), 5)).toBe(5);
    clock.advance(5_000);
    await idOf(await send(to, 'signup'));

    await useLimits({ resendCooldownSeconds: 0 });
    await idOf(await send(to, 'lead'));
    await idOf(await send(to, 'other'));
  });
});
