import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.ts';
import type { AuditEventJson } from '../../src/audit/index.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

const ALICE = '+33612345678';
const BOB = '+33612345679';

interface Page {
  events: AuditEventJson[];
  next_cursor: string | null;
}

describe.each(BACKENDS)('audit API: search, event, timeline ($name)', (backend) => {
  let t: TestApp;
  let auditB: string;
  const verifications: Record<string, string> = {};
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
    const start = async (name: string, key: string, to: string, ip: string, purpose: string) => {
      const response = await t.call('POST', '/v1/verify', {
        key,
        body: { to, purpose, client: { ip, user_agent: `agent-${name}` } },
      });
      expect(response.status).toBe(201);
      verifications[name] = ((await response.json()) as { id: string }).id;
    };
    await start('a1', t.keys.a, ALICE, '203.0.113.7', 'login');
    // Before a3, which supersedes a1 (same number). 000000 is the code once in a million runs.
    const wrong = await t.call('POST', `/v1/verify/${verifications.a1}/check`, {
      body: { code: '000000' },
    });
    expect(wrong.status).toBe(200);
    await start('a2', t.keys.a, BOB, '198.51.100.20', 'signup');
    await start('a3', t.keys.a, ALICE, '2001:db8::5', 'login');
    // The same number and address in another app: never in app A's answers.
    await start('b1', t.keys.b, ALICE, '203.0.113.7', 'login');
    // Four sends hash four codes with argon2: slow on a loaded machine.
  }, 180_000);
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;

  const search = async (query: string, key = t.keys.aAuditOnly) => {
    const response = await t.call('GET', `/v1/audit/events${query}`, { key });
    return { status: response.status, body: (await response.json()) as Page };
  };
  const idsOf = (page: Page) => page.events.map((event) => event.verification_id);

  test('needs the audit:read scope; a verify key is refused', async () => {
    expect((await search('', t.keys.a)).status).toBe(403);
    expect((await search('', null as unknown as string)).status).toBe(401);
    expect((await search('')).status).toBe(200);
  });

  test("an app's key sees its own rows only, newest first, with the contract's columns", async () => {
    const { body } = await search('');
    const appIds = new Set(body.events.map((event) => event.app_id));
    expect(appIds.size).toBe(1);
    expect(body.events.some((event) => event.verification_id === verifications.b1)).toBe(false);
    const seqs = body.events.map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => y - x));
    const created = body.events.find(
      (event) =>
        event.verification_id === verifications.a1 && event.type === 'verification.created',
    );
    expect(created).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      purpose: 'login',
      phone_masked: '+33 6•• •• •• 78',
      phone_hmac: expect.stringMatching(/^[0-9a-f]{64}$/),
      client_ip: '203.0.113.7',
      user_agent: 'agent-a1',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      prev_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // Never the clear number, anywhere in the answer.
    expect(JSON.stringify(body)).not.toContain('612345678');
  });

  test("another app's event id is a 404, like an unknown one", async () => {
    const own = (await search('')).body.events[0]!;
    const read = await t.call('GET', `/v1/audit/events/${own.id}`, { key: t.keys.aAuditOnly });
    expect(await read.json()).toEqual(own);
    const other = await t.call('GET', `/v1/audit/events/${own.id}`, { key: auditB });
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ code: 'audit_event_not_found' });
    const unknown = await t.call('GET', '/v1/audit/events/evt_AAAAAAAAAAAAAAAAAAAAAA', {
      key: t.keys.aAuditOnly,
    });
    expect(unknown.status).toBe(404);
  });

  test('the phone filter matches E.164 and national forms alike, and in its own app only', async () => {
    const e164 = await search(`?phone=${encodeURIComponent(ALICE)}`);
    const national = await search('?phone=06%2012%2034%2056%2078&country=FR');
    expect(e164.status).toBe(200);
    expect(national.body).toEqual(e164.body);
    expect(new Set(idsOf(e164.body))).toEqual(new Set([verifications.a1, verifications.a3]));
    const hmac = e164.body.events[0]!.phone_hmac!;
    expect((await search(`?phone_hmac=${hmac}`)).body).toEqual(e164.body);
    const inB = await search(`?phone=${encodeURIComponent(ALICE)}`, auditB);
    expect(new Set(idsOf(inB.body))).toEqual(new Set([verifications.b1]));
  });

  test('the ip filter takes an address or a CIDR range, IPv4 and IPv6', async () => {
    const exact = await search('?ip=203.0.113.7');
    expect(new Set(idsOf(exact.body))).toEqual(new Set([verifications.a1]));
    const range = await search(`?ip=${encodeURIComponent('198.51.100.0/24')}`);
    expect(new Set(idsOf(range.body))).toEqual(new Set([verifications.a2]));
    const wide = await search(`?ip=${encodeURIComponent('192.0.0.0/2')}`);
    expect(new Set(idsOf(wide.body))).toEqual(new Set([verifications.a1, verifications.a2]));
    // a3's send from 2001:db8::5 superseded a1 (same number and purpose): that cancellation's row
    // is about a1 and carries the address of the request that caused it.
    const v6 = await search(`?ip=${encodeURIComponent('2001:db8::/32')}`);
    expect(new Set(idsOf(v6.body))).toEqual(new Set([verifications.a1, verifications.a3]));
    expect(v6.body.events.filter((event) => event.verification_id === verifications.a1)).toEqual([
      expect.objectContaining({ type: 'verification.canceled', reason: 'superseded' }),
    ]);
    const mapped = await search(`?ip=${encodeURIComponent('::ffff:203.0.113.7')}`);
    expect(mapped.body).toEqual(exact.body);
  });

  test('type (repeated or listed), outcome, reason, purpose and verification_id filter', async () => {
    const wrong = await search('?type=check.wrong');
    expect(wrong.body.events.map((e) => [e.type, e.verification_id])).toEqual([
      ['check.wrong', verifications.a1],
    ]);
    const two = await search('?type=check.wrong&type=verification.created');
    expect(two.body.events.map((e) => e.type).sort()).toEqual([
      'check.wrong',
      'verification.created',
      'verification.created',
      'verification.created',
    ]);
    expect((await search('?type=check.wrong,verification.created')).body).toEqual(two.body);
    const signup = await search('?purpose=signup&type=verification.created');
    expect(idsOf(signup.body)).toEqual([verifications.a2]);
    const one = await search(`?verification_id=${verifications.a3}`);
    expect(one.body.events.map((e) => e.type).sort()).toEqual(['sms.sent', 'verification.created']);
    const outcome = (await search('?type=check.wrong')).body.events[0]!;
    const byOutcome = await search(`?outcome=${outcome.outcome}&type=check.wrong`);
    expect(byOutcome.body.events).toHaveLength(1);
    const none = await search('?reason=no_such_reason');
    expect(none.body.events).toEqual([]);
  });

  test('since and until bound created_at; order=asc reverses', async () => {
    const all = (await search('?order=asc')).body.events;
    expect(all.length).toBeGreaterThan(4);
    const middle = all[2]!;
    const since = (await search(`?order=asc&since=${middle.created_at}`)).body.events;
    expect(since.every((e) => e.created_at >= middle.created_at)).toBe(true);
    expect(since.map((e) => e.id)).toContain(middle.id);
    const until = (await search(`?until=${middle.created_at}`)).body.events;
    expect(until.every((e) => e.created_at < middle.created_at)).toBe(true);
    expect((await search('?since=2000-01-01&until=2000-01-02')).body.events).toEqual([]);
  });

  test('pages with a cursor cover every row once', async () => {
    const all = (await search('?limit=1000')).body.events.map((e) => e.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await search(query);
      expect(page.status).toBe(200);
      seen.push(...page.body.events.map((e) => e.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  test.each([
    ['type', '?type=sms.teleported'],
    ['ip', '?ip=10.0.0.0/33'],
    ['ip', '?ip=not-an-address'],
    ['since', '?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z'],
    ['since', '?since=yesterday'],
    ['until', '?until=2026-01-01T10:00:00'],
    ['phone', '?phone=0612345678'],
    ['phone', '?phone=%2B3361'],
    ['country', '?phone=0612345678&country=France'],
    ['limit', '?limit=1001'],
    ['limit', '?limit=0'],
    ['order', '?order=sideways'],
    ['verification_id', '?verification_id=abc'],
    ['cursor', '?cursor=c1.1.AAAA'],
    ['reason', '?reason=%00'],
    ['phone_hmac', '?phone_hmac=ABC'],
    ['phone_hmac', `?phone_hmac=${'a'.repeat(64)}&phone=%2B33612345678`],
  ])('a bad %s is a 422 naming it (%s)', async (field, query) => {
    const response = await t.call('GET', `/v1/audit/events${query}`, { key: t.keys.aAuditOnly });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'invalid_filter', field, status: 422 });
  });

  test('a cursor is bound to its app, its filters and its order', async () => {
    const first = await search('?limit=1');
    const cursor = encodeURIComponent(first.body.next_cursor!);
    expect((await search(`?limit=1&cursor=${cursor}`)).status).toBe(200);
    const reject = async (query: string, key?: string) => {
      const response = await search(query, key);
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ field: 'cursor' });
    };
    await reject(`?limit=1&cursor=${cursor}`, auditB);
    await reject(`?limit=1&type=sms.sent&cursor=${cursor}`);
    await reject(`?limit=1&order=asc&cursor=${cursor}`);
    // A cursor moved to another position without its signature.
    const [version, , mac] = first.body.next_cursor!.split('.');
    await reject(`?limit=1&cursor=${encodeURIComponent(`${version}.1.${mac}`)}`);
  });

  test("a verification's timeline: its events in order and each SMS with its route", async () => {
    const response = await t.call('GET', `/v1/audit/verifications/${verifications.a1}/timeline`, {
      key: t.keys.aAuditOnly,
    });
    expect(response.status).toBe(200);
    const timeline = (await response.json()) as {
      verification_id: string;
      events: AuditEventJson[];
      messages: { route: string; outcome: string; receipt: unknown }[];
    };
    expect(timeline.verification_id).toBe(verifications.a1);
    expect(timeline.events.map((e) => e.type)).toEqual([
      'verification.created',
      'sms.sent',
      'check.wrong',
      // a3, a later send to the same number for the same purpose, superseded it.
      'verification.canceled',
    ]);
    expect(timeline.events.at(-1)?.reason).toBe('superseded');
    expect(timeline.messages).toEqual([
      expect.objectContaining({ route: 'console', outcome: 'sent', receipt: null }),
    ]);
    const other = await t.call('GET', `/v1/audit/verifications/${verifications.b1}/timeline`, {
      key: t.keys.aAuditOnly,
    });
    expect(other.status).toBe(404);
  });
});
