import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/chain-report.ts';
import { openDatabase } from '../../src/db/database.ts';
import { BACKENDS, createTestClock, startTestApp, type TestApp } from '../helpers/test-app.ts';

const real = BACKENDS[0] as (typeof BACKENDS)[0];
let serial = 50_000_000;
const freshNumber = () => `+336${String(serial++).padStart(8, '0')}`;

interface Row {
  type: string;
  verification_id: string | null;
  outcome: string;
  reason: string | null;
  phone_masked: string | null;
  phone_hmac: string | null;
  client_ip: string | null;
  user_agent: string | null;
}

async function auditRows(t: TestApp): Promise<Row[]> {
  const client = new pg.Client({ connectionString: t.databaseUrl as string });
  await client.connect();
  try {
    return (await client.query<Row>('select * from audit_events order by seq')).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(!real.available)('the audit trail records every decision (Postgres)', () => {
  let t: TestApp;
  const clock = createTestClock();
  beforeAll(async () => {
    t = await startTestApp(real, { throughProxies: true, clock });
  });
  afterAll(async () => t?.close());

  const client = { ip: '203.0.113.50', user_agent: 'Mozilla/5.0 (audit test)' };
  const send = (body: Record<string, unknown>) =>
    t.call('POST', '/v1/verify', { body: { client, ...body } });
  const check = (id: string, code: string) =>
    t.call('POST', `/v1/verify/${id}/check`, { body: { code, client } });

  it('one row per decision, before the answer, with no code and no clear number', async () => {
    const to = freshNumber();
    const sent = (await (await send({ to, purpose: 'signup' })).json()) as { id: string };
    const code = await t.lastCode(to);
    const wrong = code === '000000' ? '000001' : '000000';
    await check(sent.id, wrong);
    await check(sent.id, code);
    await check(sent.id, code);
    const other = (await (await send({ to: freshNumber(), purpose: 'login' })).json()) as {
      id: string;
    };
    await t.call('DELETE', `/v1/verify/${other.id}`);
    const appId = (await t.runtime.modules.access.ensureApp('app-a')).id;
    const settings = (await t.runtime.modules.access.ensureApp('app-a')).settings;
    await t.runtime.modules.access.updateApp(
      appId,
      {
        settings: { ...settings, allowedCountries: ['FR'] },
      },
      [],
    );
    expect((await send({ to: '+447400123456' })).status).toBe(403);
    await t.runtime.modules.access.updateApp(appId, { settings }, []);

    const rows = await auditRows(t);
    expect(rows.at(-1)).toMatchObject({
      type: 'verification.refused',
      outcome: 'refused',
      reason: 'destination_blocked',
    });
    const forSent = rows
      .filter((r) => r.verification_id === sent.id)
      .map((r) => `${r.type}:${r.outcome}`);
    expect(forSent).toEqual([
      'verification.created:ok',
      'sms.sent:ok',
      'check.wrong:refused',
      'check.approved:ok',
      'check.refused:refused',
    ]);
    expect(rows.filter((r) => r.verification_id === other.id).map((r) => r.type)).toEqual([
      'verification.created',
      'sms.sent',
      'verification.canceled',
    ]);
    for (const row of rows.filter((r) => r.verification_id === sent.id)) {
      expect(row).toMatchObject({
        phone_masked: `+33 6•• •• •• ${to.slice(-2)}`,
        client_ip: client.ip,
        user_agent: client.user_agent,
      });
      expect(row.phone_hmac).toMatch(/^[0-9a-f]{64}$/);
    }
    const dump = JSON.stringify(rows);
    for (const secret of [code, to, to.slice(1), `0${to.slice(3)}`])
      expect(dump).not.toContain(secret);

    const database = await openDatabase({ url: t.databaseUrl as string });
    try {
      expect(await verifyAuditChain(database)).toMatchObject({ ok: true, checked: rows.length });
    } finally {
      await database.close();
    }
  });

  it('a limit hit is a row naming the limit', async () => {
    const appId = (await t.runtime.modules.access.ensureApp('app-a')).id;
    await t.runtime.modules.access.updateApp(
      appId,
      { settings: { limits: { phoneSendHour: 1 } } },
      [],
    );
    const to = freshNumber();
    expect((await send({ to })).status).toBe(201);
    expect((await send({ to })).status).toBe(429);
    const rows = await auditRows(t);
    expect(rows.at(-1)).toMatchObject({
      type: 'limit.hit',
      outcome: 'refused',
      reason: 'phone_send_hour',
    });
    await t.runtime.modules.access.updateApp(
      appId,
      {
        settings: { limits: { phoneSendHour: 10_000, phoneSendDay: 10_000 } },
      },
      [],
    );
  });

  it('a pumping trip is a row, dry run or not', async () => {
    const appId = (await t.runtime.modules.access.ensureApp('app-a')).id;
    const { settings } = await t.runtime.modules.access.ensureApp('app-a');
    await t.runtime.modules.access.updateApp(
      appId,
      {
        settings: {
          ...settings,
          pumping: { prefixSendsPerWindow: 1, dryRun: true, minConversion: 0 },
        },
      },
      [],
    );
    // Three numbers of one prefix (they differ in their last 4 digits only); the watch judges
    // the first two once they are two 5-minute buckets old.
    expect((await send({ to: '+33616001111' })).status).toBe(201);
    expect((await send({ to: '+33616003333' })).status).toBe(201);
    clock.advance(10 * 60_000);
    expect((await send({ to: '+33616002222' })).status).toBe(201);
    await t.runtime.modules.access.updateApp(appId, { settings }, []);
    const trip = (await auditRows(t)).filter((r) => r.type === 'pumping.trip').at(-1);
    expect(trip).toMatchObject({
      outcome: 'dry_run',
      reason: 'prefix_velocity',
      phone_masked: '+33 6•• •• •• 22',
    });
  });

  it('the sms.sent row is committed before the send is answered, even when Postgres stalls', async () => {
    const to = freshNumber();
    const stallMs = 400;
    let releasedAt = 0;
    // The moment the SMS leaves, Postgres stops answering for a while.
    t.onPrint = () => {
      t.onPrint = null;
      t.proxies?.postgres.hold();
      setTimeout(() => {
        releasedAt = Date.now();
        t.proxies?.postgres.release();
      }, stallMs);
    };
    try {
      const response = await send({ to, purpose: 'signup' });
      expect(response.status).toBe(201);
      expect(releasedAt).toBeGreaterThan(0);
      const { id } = (await response.json()) as { id: string };
      const types = (await auditRows(t)).filter((r) => r.verification_id === id).map((r) => r.type);
      expect(types).toEqual(['verification.created', 'sms.sent']);
    } finally {
      t.onPrint = null;
      t.proxies?.postgres.release();
    }
  });

  it('Postgres lost the moment the SMS leaves: still a 201, and the sms.sent row lands once it is back', async () => {
    const to = freshNumber();
    t.onPrint = () => {
      t.onPrint = null;
      void t.proxies?.postgres.cut();
    };
    let id = '';
    try {
      const response = await send({ to, purpose: 'signup' });
      expect(response.status).toBe(201);
      id = ((await response.json()) as { id: string }).id;
    } finally {
      t.onPrint = null;
      await t.proxies?.postgres.restore();
    }
    // The spool retries every second until Postgres takes the row.
    let types: string[] = [];
    for (let i = 0; i < 50 && !types.includes('sms.sent'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      types = (await auditRows(t)).filter((r) => r.verification_id === id).map((r) => r.type);
    }
    expect(types).toEqual(['verification.created', 'sms.sent']);
    const database = await openDatabase({ url: t.databaseUrl as string });
    try {
      expect(await verifyAuditChain(database)).toMatchObject({ ok: true });
    } finally {
      await database.close();
    }
  });

  it('Postgres stopped mid-run: no approval without its row, no row lost, codes usable again after', async () => {
    const cycles: { id: string; code: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const to = freshNumber();
      const response = await send({ to, purpose: 'transaction' });
      expect(response.status).toBe(201);
      cycles.push({
        id: ((await response.json()) as { id: string }).id,
        code: await t.lastCode(to),
      });
    }
    // Checks in flight while Postgres goes away: each either approves with its row, or gets a 503.
    const answers = await Promise.all(
      cycles.map(async ({ id, code }, i) => {
        if (i === 4) await t.proxies?.postgres.cut();
        const response = await check(id, code);
        return {
          id,
          status: response.status,
          body: (await response.json()) as { valid?: boolean },
        };
      }),
    );
    const sendDuringOutage = await send({ to: freshNumber() });
    expect(sendDuringOutage.status).toBe(503);
    expect(answers.some((a) => a.status === 503)).toBe(true);
    await t.proxies?.postgres.restore();

    // Once Postgres is back, the codes that got a 503 still work.
    for (const answer of answers.filter((a) => a.status === 503)) {
      const code = cycles.find((c) => c.id === answer.id)?.code as string;
      let retried: Response | null = null;
      for (let attempt = 0; attempt < 50; attempt++) {
        retried = await check(answer.id, code);
        if (retried.status !== 503) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(retried?.status).toBe(200);
      expect(await retried?.json()).toMatchObject({ valid: true, status: 'approved' });
      answer.status = 200;
      answer.body = { valid: true };
    }

    const rows = await auditRows(t);
    for (const { id } of cycles) {
      const types = rows.filter((r) => r.verification_id === id).map((r) => r.type);
      expect(types, id).toContain('verification.created');
      expect(
        types.filter((type) => type === 'check.approved'),
        id,
      ).toHaveLength(1);
    }
  });
});
