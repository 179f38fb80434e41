import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BACKENDS, settingsWith, startTestApp, type TestApp } from '../helpers/test-app.ts';
import {
  openTestDatabaseSql,
  refuseAuditRows,
  type TestDatabaseSql,
} from '../helpers/test-database-sql.ts';

// The embedded default's PGlite lives inside the runtime; it is kept here as it is built, so a
// test can install its refusing trigger there too. It is the real PGlite, unchanged.
const pglites = vi.hoisted(() => [] as PGlite[]);
vi.mock('@electric-sql/pglite', async (importOriginal) => {
  const original = await importOriginal<typeof import('@electric-sql/pglite')>();
  class KeptPGlite extends original.PGlite {
    constructor(...args: unknown[]) {
      super(...(args as []));
      pglites.push(this);
    }
  }
  return { ...original, PGlite: KeptPGlite };
});

/**
 * Budgets small enough that one unit not given back shows: 2 sends per number and per IP, 1 failed
 * check per number, 1 check per IP. Each test uses its own numbers and client IPs.
 */
const TIGHT = settingsWith({
  limits: {
    phoneSendHour: 2,
    phoneSendDay: 2,
    ipSendHour: 2,
    phoneFailedChecksHour: 1,
    ipCheckHour: 1,
    resendCooldownSeconds: 0,
  },
});

let serial = 70_000_000;
const freshNumber = () => `+336${String(serial++).padStart(8, '0')}`;
let hosts = 0;
const freshClient = () => ({ ip: `198.51.${Math.floor(++hosts / 250)}.${(hosts % 250) + 1}` });
type Client = ReturnType<typeof freshClient>;

const wrongFor = (code: string) => (code === '000000' ? '000001' : '000000');

describe.each(BACKENDS)('a verb that fails after spending gives it all back: $name', (backend) => {
  let t: TestApp;
  let sql: TestDatabaseSql;
  beforeAll(async () => {
    if (!backend.available) return;
    const built = pglites.length;
    t = await startTestApp(backend, { throughProxies: true, settings: TIGHT });
    sql = await openTestDatabaseSql(t, pglites[built]);
  });
  afterAll(async () => {
    await sql?.close();
    await t?.close();
  });
  const test = backend.available ? it : it.skip;

  const start = (to: string, client: Client) =>
    t.call('POST', '/v1/verify', { body: { to, purpose: 'login', client } });
  const resend = (id: string, client: Client) =>
    t.call('POST', `/v1/verify/${id}/resend`, { body: { client } });
  const check = (id: string, code: string, client: Client) =>
    t.call('POST', `/v1/verify/${id}/check`, { body: { code, client } });
  const read = async (id: string) =>
    (await (await t.call('GET', `/v1/verify/${id}`)).json()) as {
      status: string;
      attempts_remaining: number;
    };

  async function startAndCode(to = freshNumber(), client = freshClient()) {
    const response = await start(to, client);
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    return { to, client, id, code: await t.lastCode(to) };
  }

  /** Sends `request` while Postgres refuses audit rows of `type`; it must be a 503. */
  async function refusedRow(type: string, request: () => Promise<Response>) {
    const restore = await refuseAuditRows(sql, type);
    let response: Response;
    try {
      response = await request();
    } finally {
      await restore();
    }
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: 'service_unavailable' });
  }

  async function expectLimited(response: Response, limit: string) {
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ code: 'rate_limited', limit });
  }

  test('threat: a send whose verification.created row is refused sends nothing and spends no send limit', async () => {
    const to = freshNumber();
    const client = freshClient();
    const printed = t.printed.length;
    await refusedRow('verification.created', () => start(to, client));
    expect(t.printed.length).toBe(printed);
    // The number's and the IP's 2 sends are whole: two go out, the third is refused.
    expect((await start(to, client)).status).toBe(201);
    expect((await start(to, client)).status).toBe(201);
    await expectLimited(await start(to, client), 'phone_send_day');
  });

  test('threat: a resend whose verification.resent row is refused sends nothing and spends no send limit', async () => {
    const { id, to, client } = await startAndCode();
    const printed = t.printed.length;
    await refusedRow('verification.resent', () => resend(id, client));
    expect(t.printed.length).toBe(printed);
    // One of the 2 sends went to the start; the refused resend gave its unit back.
    const resent = await resend(id, client);
    expect(resent.status).toBe(200);
    expect(await t.lastCode(to)).toMatch(/^\d{6}$/);
    await expectLimited(await resend(id, client), 'phone_send_day');
  });

  test("threat: a wrong code whose check.wrong row is refused costs no attempt, no failed check and no IP's check", async () => {
    const { id, code } = await startAndCode();
    const client = freshClient();
    await refusedRow('check.wrong', () => check(id, wrongFor(code), client));
    expect(await read(id)).toMatchObject({ status: 'pending', attempts_remaining: 5 });
    // The number's one failed check is whole: a guess from elsewhere is still evaluated...
    const guessed = await check(id, wrongFor(code), freshClient());
    expect(guessed.status).toBe(200);
    expect(await guessed.json()).toMatchObject({ valid: false, attempts_remaining: 4 });
    // ...and then spent: even the right code is refused now.
    await expectLimited(await check(id, code, freshClient()), 'phone_failed_checks');
    // The IP's one check is whole: it can still check another verification's code.
    const other = await startAndCode();
    const approved = await check(other.id, other.code, client);
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ valid: true, status: 'approved' });
    await expectLimited(await check(other.id, other.code, client), 'ip_check_hour');
  });

  test('threat: a right code whose check.approved row is refused is not used up and costs no attempt', async () => {
    const { id, code } = await startAndCode();
    const client = freshClient();
    await refusedRow('check.approved', () => check(id, code, client));
    expect(await read(id)).toMatchObject({ status: 'pending', attempts_remaining: 5 });
    const approved = await check(id, code, client);
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({
      valid: true,
      status: 'approved',
      attempts_remaining: 4,
    });
  });

  test("threat: a check the IP's limit refuses costs the verification no attempt", async () => {
    const client = freshClient();
    // The IP's one check goes to another verification.
    const spender = await startAndCode();
    expect((await check(spender.id, spender.code, client)).status).toBe(200);
    const { id, code } = await startAndCode();
    await expectLimited(await check(id, code, client), 'ip_check_hour');
    expect(await read(id)).toMatchObject({ status: 'pending', attempts_remaining: 5 });
    // Nor its failed check: the right code from elsewhere approves.
    const approved = await check(id, code, freshClient());
    expect(await approved.json()).toMatchObject({ valid: true, attempts_remaining: 4 });
  });
});
