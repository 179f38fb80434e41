import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
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
const TIGHT_LIMITS = {
  phoneSendHour: 2,
  phoneSendDay: 2,
  ipSendHour: 2,
  phoneFailedChecksHour: 1,
  ipCheckHour: 1,
  resendCooldownSeconds: 0,
};
const TIGHT = settingsWith({ limits: TIGHT_LIMITS });

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

  test("a send whose verification.created row is refused gives the number's cooldown back", async () => {
    const appId = (await t.runtime.modules.access.ensureApp('app-a')).id;
    const withCooldown = settingsWith({ limits: { ...TIGHT_LIMITS, resendCooldownSeconds: 30 } });
    await t.runtime.modules.access.updateApp(appId, { settings: withCooldown }, []);
    try {
      const to = freshNumber();
      await refusedRow('verification.created', () => start(to, freshClient()));
      // Claimed by the refused send, the cooldown would refuse this one for 30 s.
      expect((await start(to, freshClient())).status).toBe(201);
      await expectLimited(await start(to, freshClient()), 'resend_cooldown');
    } finally {
      await t.runtime.modules.access.updateApp(appId, { settings: TIGHT }, []);
    }
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

  /**
   * sendCode's trail rejecting the sms.sent row, as if it could be neither committed nor spooled.
   * The real trail never rejects there (a spool file it cannot write is only logged, see the
   * suite below); this stands for any failure after the SMS left.
   */
  function rejectSmsSentRow(): () => void {
    const deps = t.runtime.modules.verification;
    const trail = deps.audit;
    deps.audit = {
      commit: (events) => trail.commit(events),
      commitOrSpool: (events) =>
        events.some((event) => event.type === 'sms.sent')
          ? Promise.reject(new Error('sms.sent row neither committed nor spooled (test)'))
          : trail.commitOrSpool(events),
    };
    return () => {
      deps.audit = trail;
    };
  }

  test('a start that fails after its SMS left keeps the verification and the send it spent', async () => {
    const to = freshNumber();
    const client = freshClient();
    const printed = t.printed.length;
    const restore = rejectSmsSentRow();
    let response: Response;
    try {
      response = await start(to, client);
    } finally {
      restore();
    }
    expect(response.status).toBe(500);
    expect(t.printed.length).toBe(printed + 1);
    // The phone holds the code: it verifies.
    const id = /\((ver_[^)]+)\)/.exec(t.printed.at(-1) ?? '')?.[1] as string;
    expect(await read(id)).toMatchObject({ status: 'pending', attempts_remaining: 5 });
    const approved = await check(id, await t.lastCode(to), freshClient());
    expect(await approved.json()).toMatchObject({ valid: true, status: 'approved' });
    // The SMS cost one of the number's and the IP's 2 sends: one more goes out, then 429.
    expect((await start(to, client)).status).toBe(201);
    await expectLimited(await start(to, client), 'phone_send_day');
  });

  test('a resend that fails after its SMS left keeps the new code and the send it spent', async () => {
    const { id, to, client } = await startAndCode();
    const printed = t.printed.length;
    const restore = rejectSmsSentRow();
    let response: Response;
    try {
      response = await resend(id, client);
    } finally {
      restore();
    }
    expect(response.status).toBe(500);
    expect(t.printed.length).toBe(printed + 1);
    const approved = await check(id, await t.lastCode(to), freshClient());
    expect(await approved.json()).toMatchObject({ valid: true, status: 'approved' });
    // The start and the resend spent the 2 sends.
    await expectLimited(await start(to, client), 'phone_send_day');
  });
});

describe.each(BACKENDS)(
  'Postgres refuses the sms.sent row and the spool cannot be written: $name',
  (backend) => {
    let t: TestApp;
    let sql: TestDatabaseSql;
    let spoolDir: string;
    beforeAll(async () => {
      if (!backend.available) return;
      spoolDir = mkdtempSync(join(tmpdir(), 'tessera-spool-'));
      // A directory where this process's spool file is written aside makes every save fail,
      // even as root (whom a read-only directory would not stop).
      const own = `spool-${encodeURIComponent(hostname())}-${process.pid}.json`;
      mkdirSync(join(spoolDir, `${own}.tmp`));
      const built = pglites.length;
      t = await startTestApp(backend, { settings: TIGHT, env: { AUDIT_SPOOL_DIR: spoolDir } });
      sql = await openTestDatabaseSql(t, pglites[built]);
    });
    afterAll(async () => {
      await sql?.close();
      await t?.close();
      if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
    });
    const test = backend.available ? it : it.skip;

    test('the send is still a 201 (commitOrSpool never rejects); its code verifies, its send stays spent, its row lands later', async () => {
      const to = freshNumber();
      const client = freshClient();
      const restore = await refuseAuditRows(sql, 'sms.sent');
      let response: Response;
      try {
        response = await t.call('POST', '/v1/verify', { body: { to, purpose: 'login', client } });
        expect(response.status).toBe(201);
        // Nothing reached the disk: the spool only holds the row in memory.
        expect(readdirSync(spoolDir).filter((name) => !name.endsWith('.tmp'))).toEqual([]);
      } finally {
        await restore();
      }
      const { id } = (await response.json()) as { id: string };
      const code = await t.lastCode(to);
      const approved = await t.call('POST', `/v1/verify/${id}/check`, {
        body: { code, client: freshClient() },
      });
      expect(await approved.json()).toMatchObject({ valid: true, status: 'approved' });
      expect((await t.call('POST', '/v1/verify', { body: { to, client } })).status).toBe(201);
      expect((await t.call('POST', '/v1/verify', { body: { to, client } })).status).toBe(429);
      // The spool retries every second until Postgres takes the row.
      let types: string[] = [];
      for (let i = 0; i < 50 && !types.includes('sms.sent'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        types = (
          await sql.query<{ type: string }>(
            'select type from audit_events where verification_id = $1 order by seq',
            [id],
          )
        ).map((row) => row.type);
      }
      // Its place in the chain is when Postgres took it, after the check's row if that came first.
      expect(types.sort()).toEqual(['check.approved', 'sms.sent', 'verification.created']);
    });
  },
);
