import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/audit/index.ts';
import { openDatabase } from '../../src/db/database.ts';
import { FORMULA_CELLS, parseCsv, seedAuditRows } from '../helpers/audit-seed.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

const BIG = 100_000;

describe.each(BACKENDS)('audit export over HTTP ($name)', (backend) => {
  let t: TestApp;
  let server: ServerType;
  let base: string;
  let appId: string;
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend);
    appId = (await t.runtime.modules.access.ensureApp('app-a')).id;
    const started = await t.call('POST', '/v1/verify', {
      body: { to: '+33612345678', client: { ip: '203.0.113.7', user_agent: '=cmd|calc' } },
    });
    expect(started.status).toBe(201);
    if (t.databaseUrl) {
      // The throwaway database of this test app, seeded by one statement.
      const database = await openDatabase({ url: t.databaseUrl });
      try {
        await seedAuditRows(database, appId, BIG);
      } finally {
        await database.close();
      }
    }
    await new Promise<void>((resolve) => {
      server = serve(
        { fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' },
        (info: AddressInfo) => {
          base = `http://127.0.0.1:${info.port}`;
          resolve();
        },
      );
    });
  }, 300_000);
  afterAll(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await t?.close();
  });
  const test = backend.available ? it : it.skip;
  const get = (query: string, init: RequestInit = {}) =>
    fetch(`${base}/v1/audit/events/export${query}`, {
      ...init,
      headers: { authorization: `Bearer ${t.keys.aAuditOnly}` },
    });

  test('NDJSON, streamed: every event, then the trailer with the count and digest', async () => {
    const response = await get('?format=ndjson');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-/);
    const text = await response.text();
    const lines = text.trimEnd().split('\n');
    const trailer = JSON.parse(lines.pop()!);
    expect(trailer).toMatchObject({ type: 'export.complete', rows: lines.length });
    // The seeded rows, and what the API wrote: keys, settings, the verification and its SMS.
    expect(lines.length).toBeGreaterThan(t.databaseUrl ? BIG : 2);
    const body = text.slice(0, text.lastIndexOf('{"type":"export.complete"'));
    expect(trailer.sha256).toBe(createHash('sha256').update(body).digest('hex'));
    expect(new Set(lines.map((line) => JSON.parse(line).app_id))).toEqual(new Set([appId]));
  }, 300_000);

  test('CSV: formula cells neutralised, the trailer last', async () => {
    const response = await get('?format=csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const parsed = parseCsv(await response.text());
    expect(parsed[0]).toEqual([...CSV_COLUMNS]);
    expect(parsed.pop()![0]).toBe('#export.complete');
    const records = parsed.slice(1);
    expect(records.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    const agents = new Set(records.map((r) => r[CSV_COLUMNS.indexOf('user_agent')]));
    expect(agents).toContain("'=cmd|calc");
    if (t.databaseUrl) expect(agents).toContain(`'${FORMULA_CELLS[0]}, "quoted"\nnext`);
  }, 300_000);

  test('the same filters as the search, checked the same way', async () => {
    const filtered = await (await get('?type=sms.sent&ip=203.0.113.0/24')).text();
    const lines = filtered.trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).type)).toEqual(['sms.sent', 'export.complete']);
    for (const [query, field] of [
      ['?format=xml', 'format'],
      ['?ip=300.1.1.1', 'ip'],
      ['?type=nope', 'type'],
    ] as const) {
      const response = await get(query);
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({ code: 'invalid_filter', field });
    }
    const verifyKey = await fetch(`${base}/v1/audit/events/export`, {
      headers: { authorization: `Bearer ${t.keys.a}` },
    });
    expect(verifyKey.status).toBe(403);
  });

  test('each export is on record: who, through which door, which filters, how many rows', async () => {
    const text = await (await get('?format=ndjson&type=sms.sent&phone=%2B33612345678')).text();
    const trailer = JSON.parse(text.trimEnd().split('\n').pop()!);
    expect(trailer.rows).toBe(1);
    const search = await fetch(`${base}/v1/audit/events?type=audit.exported&limit=100`, {
      headers: { authorization: `Bearer ${t.keys.aAuditOnly}` },
    });
    const { events } = (await search.json()) as { events: Record<string, unknown>[] };
    const row = events.find(
      (event) => (event.detail as { sha256?: string }).sha256 === trailer.sha256,
    );
    expect(row).toMatchObject({
      type: 'audit.exported',
      outcome: 'ok',
      phone_masked: null,
      phone_hmac: null,
      detail: {
        via: 'api',
        format: 'ndjson',
        filters: { type: 'sms.sent', phone: true },
        rows: 1,
        through_seq: trailer.through_seq,
      },
    });
    // The number searched for is recorded as "a number was used", never as itself.
    expect(JSON.stringify(row)).not.toMatch(/612345678|33 6/);
    // A refused export (bad filter) leaves no row.
    expect((await get('?ip=300.1.1.1')).status).toBe(422);
    const after = await fetch(`${base}/v1/audit/events?type=audit.exported&limit=100`, {
      headers: { authorization: `Bearer ${t.keys.aAuditOnly}` },
    });
    expect(((await after.json()) as { events: unknown[] }).events).toHaveLength(events.length);
  }, 300_000);

  // Only the seeded database has an export long enough to be cut while it streams.
  const bigTest = backend.real ? test : () => {};
  bigTest(
    'a client that cuts the export leaves the server serving',
    async () => {
      const controller = new AbortController();
      const response = await get('?format=csv', { signal: controller.signal });
      const reader = response.body!.getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      controller.abort();
      await expect(reader.read()).rejects.toThrow();
      // The next requests are served, the export included, to its end.
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      const again = await (await get('?format=ndjson&type=sms.sent')).text();
      expect(again.trimEnd().split('\n').pop()).toContain('"type":"export.complete"');
    },
    300_000,
  );
});
