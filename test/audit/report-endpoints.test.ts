import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.ts';
import { runCli } from '../../src/cli/main.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

interface Stats {
  since: string;
  until: string;
  group_by: string;
  buckets: ({ key: string | null } & Record<string, unknown>)[];
  total: Record<string, unknown>;
}

describe.each(BACKENDS)('GET /v1/audit/stats and /v1/audit/verify ($name)', (backend) => {
  let t: TestApp;
  let auditB: string;
  const get = async (path: string, key: string) => {
    const response = await t.call('GET', path, { key });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** One verification: started, then, if `approve`, checked with the right code. */
  const verification = async (key: string, to: string, purpose: string, approve: boolean) => {
    const started = await t.call('POST', '/v1/verify', { key, body: { to, purpose } });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: string };
    if (approve) {
      const code = await t.lastCode(to, key);
      const checked = await t.call('POST', `/v1/verify/${id}/check`, { key, body: { code } });
      expect(checked.status).toBe(200);
    }
    return id;
  };

  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend);
    auditB = (
      await createApiKey({
        store: t.runtime.modules.access,
        appName: 'app-b',
        scopes: ['audit:read'],
      })
    ).key;
    await verification(t.keys.a, '+33612345611', 'login', true);
    await verification(t.keys.a, '+33612345612', 'login', false);
    await verification(t.keys.b, '+33612345613', 'login', false);
    await verification(t.keys.a, '+32470123456', 'signup', true);
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;
  // Tampering needs a superuser's connection to the server's database: real Postgres only,
  // declared there only so that no test shows as skipped.
  const realTest = (name: string, fn: () => Promise<void>) => {
    if (backend.real) test(name, fn);
  };

  test("gives the key's app its own figures, per bucket", async () => {
    const byCountry = await get('/v1/audit/stats?group_by=country', t.keys.aAuditOnly);
    expect(byCountry.status).toBe(200);
    const stats = byCountry.body as unknown as Stats;
    expect(stats.group_by).toBe('country');
    expect(stats.buckets.map((b) => [b.key, b.sent, b.approved])).toEqual([
      ['BE', 1, 1],
      ['FR', 2, 1],
    ]);
    expect(stats.total).toMatchObject({
      sent: 3,
      approved: 2,
      failed: 0,
      refused: 0,
      conversion: 2 / 3,
    });
    const byPurpose = (await get('/v1/audit/stats?group_by=purpose', t.keys.aAuditOnly))
      .body as unknown as Stats;
    expect(byPurpose.buckets.map((b) => [b.key, b.sent])).toEqual([
      ['login', 2],
      ['signup', 1],
    ]);
    const b = (await get('/v1/audit/stats?group_by=route', auditB)).body as unknown as Stats;
    expect(b.total).toMatchObject({ sent: 1, approved: 0, conversion: 0 });
  });

  test('needs the audit:read scope', async () => {
    const refused = await get('/v1/audit/stats', t.keys.a);
    expect(refused.status).toBe(403);
    expect((await get('/v1/audit/verify', t.keys.a)).status).toBe(403);
    expect((await t.call('GET', '/v1/audit/verify', { key: null })).status).toBe(401);
  });

  test('refuses bad parameters with a 422 naming the field', async () => {
    for (const [query, field] of [
      ['group_by=phone', 'group_by'],
      ['since=2026-06-02&until=2026-06-01', 'since'],
      ['since=2025-01-01&until=2026-06-01', 'since'],
      ['until=tomorrow', 'until'],
    ] as const) {
      const { status, body } = await get(`/v1/audit/stats?${query}`, t.keys.aAuditOnly);
      expect(status, query).toBe(422);
      expect(body, query).toMatchObject({ code: 'invalid_filter', errors: [{ path: field }] });
    }
  });

  test("reports the intact chain with the app's own count and newest hash", async () => {
    const { status, body } = await get('/v1/audit/verify', t.keys.aAuditOnly);
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, broken_event_id: null, break_before_event_id: null });
    // Each of app-a's verifications wrote created and sms.sent, and two an approval.
    expect(body.events_checked).toBeGreaterThanOrEqual(8);
    expect(body.head_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  realTest('reports a row a superuser changed: its id to its app, and over the CLI', async () => {
    const superuser = new pg.Client({ connectionString: t.databaseUrl! });
    await superuser.connect();
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-verify-'));
    const cli = async (argv: string[]) => {
      const lines: string[] = [];
      const code = await runCli(
        argv,
        { out: (l) => lines.push(l), err: (l) => lines.push(l) },
        { DATABASE_URL: t.databaseUrl!, DATA_DIR: dataDir },
      );
      return { code, output: lines.join('\n') };
    };
    const setIp = async (id: string, ip: string | null) => {
      await superuser.query(
        'alter table audit_events disable trigger audit_events_no_update_delete',
      );
      try {
        await superuser.query('update audit_events set client_ip = $1 where id = $2', [ip, id]);
      } finally {
        await superuser.query(
          'alter table audit_events enable trigger audit_events_no_update_delete',
        );
      }
    };
    try {
      const intact = await cli(['audit', 'verify']);
      expect(intact.code, intact.output).toBe(0);
      expect(intact.output).toMatch(/^chain intact: \d+ events checked\nhead hash: [0-9a-f]{64}/);

      // app-b's sms.sent row, written between app-a's second and third verifications.
      const { rows } = await superuser.query<{ id: string; client_ip: string | null }>(
        `select e.id, e.client_ip from audit_events e join apps a on a.id = e.app_id
          where a.name = 'app-b' and e.type = 'sms.sent'`,
      );
      const target = rows[0]!;
      await superuser.query(
        `create temp table later as select e.id from audit_events e join apps a on a.id = e.app_id
          where a.name = 'app-a' and e.seq > (select seq from audit_events where id = $1)
          order by e.seq limit 1`,
        [target.id],
      );
      await setIp(target.id, '198.51.100.66');
      try {
        const asB = await get('/v1/audit/verify', auditB);
        expect(asB.body).toMatchObject({ ok: false, broken_event_id: target.id });
        const asA = await get('/v1/audit/verify', t.keys.aAuditOnly);
        // app-b's rows are app-b's: app-a learns that a break precedes one of its own events.
        expect(asA.body).toMatchObject({ ok: false, broken_event_id: null });
        expect(JSON.stringify(asA.body)).not.toContain(target.id);
        const firstAfter = (await superuser.query<{ id: string }>('select id from later')).rows[0];
        expect(firstAfter).toBeDefined();
        expect(asA.body.break_before_event_id).toBe(firstAfter!.id);

        const broken = await cli(['audit', 'verify']);
        expect(broken.code).toBe(1);
        expect(broken.output).toContain(`chain BROKEN at event ${target.id}`);
        const forApp = await cli(['audit', 'verify', '--app', 'app-b']);
        expect(forApp.code).toBe(1);
        expect(forApp.output).toContain(target.id);
        expect((await cli(['audit', 'verify', '--app', 'no-such-app'])).code).toBe(2);
      } finally {
        await setIp(target.id, target.client_ip);
      }
      expect((await get('/v1/audit/verify', auditB)).body).toMatchObject({ ok: true });
    } finally {
      await superuser.end();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
