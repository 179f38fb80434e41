import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/chain-report.ts';
import { canonicalEvent, chainHash, eventColumns } from '../../src/audit/hash-chain.ts';
import { readAuditEvents } from '../../src/audit/postgres-writer.ts';
import type { AuditEvent } from '../../src/audit/types.ts';
import { runCli } from '../../src/cli/main.ts';
import { type Database, openDatabase } from '../../src/db/database.ts';
import { newId } from '../../src/kernel/ids.ts';
import { codeAt, timeStep } from '../../src/totp/factor.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';
import { createTestDatabase, postgresUrl, redisUrl } from '../helpers/real-stores.ts';
import { BACKENDS, startTestApp } from '../helpers/test-app.ts';
import { createDatabaseWithRoles, type DatabaseWithRoles, refusal } from './database-roles.ts';

// Item 2 of the security review: the trail must not be forgeable by the role the service runs as.
// Set up as deploy/compose.yaml does: `tessera migrate --grant-runtime-role` run by the owner, then
// everything below runs as the runtime role, which is what an attacker holding the service's
// database credentials (or an injected statement) would be.

const REAL = BACKENDS.find((backend) => backend.real) as (typeof BACKENDS)[number];

async function cli(argv: string[], env: Record<string, string>) {
  const lines: string[] = [];
  const code = await runCli(argv, { out: (l) => lines.push(l), err: (l) => lines.push(l) }, env);
  return { code, output: lines.join('\n') };
}

/** What the writer of the previous release sent: the row's columns and the text to hash. */
function formerPayload(event: AuditEvent & { id: string }) {
  return { ...eventColumns(event), canonical: canonicalEvent(event) };
}

describe.skipIf(!postgresUrl)('the audit trail, attacked by the runtime role', () => {
  let roles: DatabaseWithRoles;
  let dataDir: string;
  let attacker: pg.Client;
  let database: Database;

  const append = (client: pg.Client, events: unknown[]) =>
    refusal(client, 'select tessera_append_audit($1::jsonb)', [JSON.stringify(events)]);
  const databaseNow = async () =>
    (await attacker.query<{ now: Date }>('select clock_timestamp() as now')).rows[0]!.now;

  beforeAll(async () => {
    roles = await createDatabaseWithRoles();
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-forgery-'));
    const migrated = await cli(['migrate', '--grant-runtime-role', roles.runtime.name], {
      DATABASE_URL: roles.owner.url,
      DATA_DIR: dataDir,
    });
    if (migrated.code !== 0) throw new Error(`tessera migrate failed: ${migrated.output}`);
    attacker = new pg.Client({ connectionString: roles.runtime.url });
    await attacker.connect();
    database = await openDatabase({ url: roles.runtime.url });
    // A genuine row for the attacker to aim at.
    const genuine = makeAuditEvent({ appId: 'app_victim', type: 'check.wrong', outcome: 'wrong' });
    expect(await append(attacker, [formerPayload({ ...genuine, id: newId('evt') })])).toBeNull();
  });

  afterAll(async () => {
    await attacker?.end();
    await database?.close();
    await roles?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('cannot UPDATE, DELETE or TRUNCATE audit_events: it has no such privilege, triggers aside', async () => {
    for (const statement of [
      "update audit_events set outcome = 'ok', type = 'check.approved'",
      'delete from audit_events',
      'truncate audit_events',
    ]) {
      expect(await refusal(attacker, statement), statement).toEqual({
        code: '42501',
        message: 'permission denied for table audit_events',
      });
    }
    expect(await verifyAuditChain(database)).toMatchObject({ ok: true, checked: 1 });
  });

  it('cannot INSERT a row of its own making, hash included, into audit_events', async () => {
    const [head] = await readAuditEvents(database, 'app_victim', { limit: 1 });
    const forged = { ...makeAuditEvent({ type: 'check.approved' }), id: newId('evt') };
    const hash = chainHash(head!.hash, canonicalEvent(forged));
    const columns = eventColumns(forged);
    expect(
      await refusal(
        attacker,
        `insert into audit_events (id, app_id, type, outcome, detail, created_at, prev_hash, hash)
         values ($1, $2, $3, $4, '{}', $5, $6, $7)`,
        [forged.id, columns.app_id, forged.type, 'ok', columns.created_at, head!.hash, hash],
      ),
    ).toEqual({ code: '42501', message: 'permission denied for table audit_events' });
  });

  it('cannot write the Merkle log itself, nor rewrite a checkpoint; its appends do grow the log', async () => {
    for (const [statement, table] of [
      [`insert into audit_tree_nodes values ('app_victim', 0, 1, sha256(''))`, 'audit_tree_nodes'],
      [`insert into audit_tree_leaves values ('evt_forged', 'app_victim', 1)`, 'audit_tree_leaves'],
      ['update audit_tree_heads set size = 0', 'audit_tree_heads'],
      ['delete from audit_tree_nodes', 'audit_tree_nodes'],
      ["update audit_checkpoints set note = ''", 'audit_checkpoints'],
      ['delete from audit_checkpoints', 'audit_checkpoints'],
    ] as const) {
      expect(await refusal(attacker, statement), statement).toEqual({
        code: '42501',
        message: `permission denied for table ${table}`,
      });
    }
    expect(
      await refusal(
        attacker,
        `select tessera_audit_tree_append('app_victim', array['evt_x'], array[sha256('')])`,
      ),
    ).toMatchObject({ code: '42501' });
    const { rows } = await attacker.query<{ size: string }>(
      `select size::text from audit_tree_heads where app_id = 'app_victim'`,
    );
    expect(rows).toEqual([{ size: '1' }]);
  });

  it('cannot ALTER the table, disable or drop its triggers, or replace the functions the chain relies on', async () => {
    for (const statement of [
      'alter table audit_events disable trigger audit_events_no_update_delete',
      'drop trigger audit_events_no_truncate on audit_events',
      'alter table audit_events add column forged text',
      'alter table audit_events owner to current_user',
      'drop table audit_events',
      `create or replace function tessera_append_audit(events jsonb) returns void
         language sql as 'select'`,
      `create or replace function audit_events_refuse_change() returns trigger
         language plpgsql as 'begin return new; end'`,
      `create or replace function tessera_canonical_json(value jsonb) returns text
         language sql as 'select ''{}'''`,
      'alter function tessera_append_audit(jsonb) security invoker',
    ]) {
      const refused = await refusal(attacker, statement);
      expect(refused?.code, statement).toBe('42501');
      // CREATE OR REPLACE is refused before ownership is even looked at, for want of CREATE on
      // the schema (PostgreSQL 15+ gives PUBLIC none).
      expect(refused?.message, statement).toMatch(
        /^(must be owner of (table|relation|function) |permission denied for schema public$)/,
      );
    }
  });

  it('cannot back-date a check.approved: the database dates every row it appends', async () => {
    const backDated = {
      ...makeAuditEvent({
        appId: 'app_backdated',
        type: 'check.approved',
        createdAt: new Date('2026-01-05T09:00:00.000Z'),
      }),
      id: newId('evt'),
    };
    const before = await databaseNow();
    // Consistent in every way the former function checked: the text is the row's.
    expect(await append(attacker, [formerPayload(backDated)])).toBeNull();
    const after = await databaseNow();

    const [row] = await readAuditEvents(database, 'app_backdated', { limit: 1 });
    expect(row?.type).toBe('check.approved');
    expect(row!.createdAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1);
    expect(row!.createdAt.getTime()).toBeLessThanOrEqual(after.getTime());
    expect(await verifyAuditChain(database)).toMatchObject({ ok: true, checked: 2 });
  });

  it('cannot have a row hashed as anything but its own columns: canonical, prev_hash, hash and seq it sends are ignored', async () => {
    const stored = {
      ...makeAuditEvent({ appId: 'app_mismatch', type: 'check.refused', outcome: 'refused' }),
      id: newId('evt'),
    };
    const claimed = { ...stored, type: 'check.approved' as const, outcome: 'ok' };
    const [previous] = (await readAuditEvents(database, 'app_backdated', { limit: 1 })) ?? [];
    expect(
      await append(attacker, [
        {
          ...eventColumns(stored),
          canonical: canonicalEvent(claimed),
          prev_hash: '0'.repeat(64),
          hash: 'f'.repeat(64),
          seq: 1,
        },
      ]),
    ).toBeNull();

    const [row] = await readAuditEvents(database, 'app_mismatch', { limit: 1 });
    expect(row).toMatchObject({ type: 'check.refused', outcome: 'refused' });
    expect(row?.prevHash).toBe(previous?.hash);
    expect(row?.hash).toBe(chainHash(row!.prevHash, canonicalEvent(row!)));
    expect(row?.seq).toBeGreaterThan(previous!.seq);
    expect(await verifyAuditChain(database)).toMatchObject({ ok: true, checked: 3 });
  });

  it('cannot slip in a detail the verifier would read differently (a JSON null): refused', async () => {
    const event = { ...makeAuditEvent({ appId: 'app_null_detail' }), id: newId('evt') };
    const refused = await append(attacker, [{ ...formerPayload(event), detail: null }]);
    expect(refused?.code).toBe('22023');
    expect(await readAuditEvents(database, 'app_null_detail', { limit: 1 })).toEqual([]);
  });

  it('cannot divert the owner’s function to tables of its own through search_path', async () => {
    // Were the function to resolve names with the caller's search_path, it would read the head
    // from and append to this table, as the owner.
    await attacker.query(
      'create temp table audit_events as select * from public.audit_events with no data',
    );
    await attacker.query('set search_path = pg_temp, public');
    try {
      const event = { ...makeAuditEvent({ appId: 'app_diverted' }), id: newId('evt') };
      expect(await append(attacker, [formerPayload(event)])).toBeNull();
      const temp = await attacker.query('select count(*)::int as n from pg_temp.audit_events');
      expect(temp.rows[0]).toEqual({ n: 0 });
    } finally {
      await attacker.query('reset search_path');
      await attacker.query('drop table pg_temp.audit_events');
    }
    expect(await readAuditEvents(database, 'app_diverted', { limit: 1 })).toHaveLength(1);
    expect(await verifyAuditChain(database)).toMatchObject({ ok: true, checked: 4 });
  });

  it('a role Tessera was not told about cannot call tessera_append_audit at all', async () => {
    const stranger = new pg.Client({ connectionString: roles.stranger.url });
    await stranger.connect();
    try {
      const event = { ...makeAuditEvent(), id: newId('evt') };
      expect(await append(stranger, [formerPayload(event)])).toEqual({
        code: '42501',
        message: 'permission denied for function tessera_append_audit',
      });
    } finally {
      await stranger.end();
    }
  });

  it.skipIf(!redisUrl)(
    'serves as the runtime role end to end (codes, keys, TOTP), with migrations off at start',
    async () => {
      const t = await startTestApp(REAL, {
        env: { DATABASE_URL: roles.runtime.url, MIGRATE_ON_START: 'false' },
      });
      try {
        // startTestApp created app-a's keys and settings (apps, api_keys, audit rows) already.
        const sent = await t.call('POST', '/v1/verify', { body: { to: '+33612345678' } });
        expect(sent.status).toBe(201);
        const { id } = (await sent.json()) as { id: string };
        const checked = await t.call('POST', `/v1/verify/${id}/check`, {
          body: { code: await t.lastCode('+33612345678') },
        });
        expect(await checked.json()).toMatchObject({ status: 'approved', valid: true });

        // TOTP: insert, update, recovery codes (an identity column), delete.
        const enrolled = await t.call('POST', '/v1/totp/factors', {
          body: { user_ref: 'runtime-user', label: 'runtime-user', issuer: 'Acme' },
        });
        expect(enrolled.status).toBe(201);
        const factor = (await enrolled.json()) as { id: string; secret: string };
        const period = { algorithm: 'sha1', digits: 6, period: 30 } as const;
        const code = codeAt(factor.secret, period, timeStep(Date.now(), 30));
        const confirmed = await t.call('POST', `/v1/totp/factors/${factor.id}/confirm`, {
          body: { code },
        });
        expect(confirmed.status).toBe(200);
        expect((await t.call('DELETE', `/v1/totp/factors/${factor.id}`)).status).toBe(200);
      } finally {
        await t.close();
      }
      const approved = await database.db.execute<{ n: number }>(
        sql`select count(*)::int as n from audit_events where type = 'check.approved'`,
      );
      expect(approved.rows[0]?.n).toBeGreaterThanOrEqual(1);
      expect(await verifyAuditChain(database)).toMatchObject({ ok: true });
    },
  );

  it('with migrations off, a start on a database that lacks migrations fails, naming `tessera migrate`', async () => {
    const empty = await createTestDatabase();
    try {
      await expect(
        startTestApp(REAL, { env: { DATABASE_URL: empty.url, MIGRATE_ON_START: 'false' } }),
      ).rejects.toThrow(/run `tessera migrate` as the role that owns the schema/);
    } finally {
      await empty.drop();
    }
  });

  it('cannot write the stats, which count its appends all the same', async () => {
    for (const statement of [
      'update audit_stats_hourly set count = 0',
      'delete from audit_stats_hourly',
      `insert into audit_stats_hourly values
         ('app_victim', 'country', now(), 'FR', 'approved', '', 1000)`,
    ]) {
      expect(await refusal(attacker, statement), statement).toEqual({
        code: '42501',
        message: 'permission denied for table audit_stats_hourly',
      });
    }
    const sent = {
      ...makeAuditEvent({ appId: 'app_counted', type: 'sms.sent' }),
      id: newId('evt'),
    };
    expect(await append(attacker, [formerPayload(sent)])).toBeNull();
    const counted = await attacker.query<{ n: string }>(
      "select sum(count)::text as n from audit_stats_hourly where app_id = 'app_counted' and dimension = 'route'",
    );
    expect(counted.rows[0]?.n).toBe('1');
  });
});
