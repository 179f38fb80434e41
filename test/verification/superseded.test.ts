import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/types.ts';
import { BACKENDS, createTestClock, startTestApp, type TestApp } from '../helpers/test-app.ts';

let serial = 71_000_000;
const freshNumber = () => `+336${String(serial++).padStart(8, '0')}`;
/** More than the cooldown between new sends to one number, so a second send goes out. */
const PAST_COOLDOWN_MS = 31_000;

describe.each(BACKENDS)('a new send supersedes the pending one, audited: $name', (backend) => {
  const clock = createTestClock();
  let t: TestApp;
  /** Every batch of rows the verification module handed to the trail, and how. */
  const batches: { via: 'commit' | 'commitOrSpool'; events: AuditEvent[] }[] = [];
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend, { clock });
    const deps = t.runtime.modules.verification;
    const trail = deps.audit;
    deps.audit = {
      commit: async (events) => {
        await trail.commit(events);
        batches.push({ via: 'commit', events });
      },
      commitOrSpool: async (events) => {
        await trail.commitOrSpool(events);
        batches.push({ via: 'commitOrSpool', events });
      },
    };
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;

  const send = async (to: string, purpose = 'login') => {
    const response = await t.call('POST', '/v1/verify', { body: { to, purpose } });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  const check = async (id: string, code: string) =>
    (await t.call('POST', `/v1/verify/${id}/check`, { body: { code } })).json();
  const canceledRows = (id: string) =>
    batches
      .flatMap((b) => b.events)
      .filter((e) => e.type === 'verification.canceled' && e.verificationId === id);

  test('two sends in a row: one canceled row for the first, in the commit that creates the second', async () => {
    const to = freshNumber();
    const first = await send(to);
    const firstCode = await t.lastCode(to);
    clock.advance(PAST_COOLDOWN_MS);
    const second = await send(to);

    const rows = canceledRows(first);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      outcome: 'ok',
      reason: 'superseded',
      purpose: 'login',
      detail: { superseded_by: second },
    });
    // One commit: the new one is never recorded without the end of the one it replaced.
    const creation = batches.find((b) =>
      b.events.some((e) => e.type === 'verification.created' && e.verificationId === second),
    );
    expect(creation?.via).toBe('commit');
    expect(creation?.events.map((e) => [e.type, e.verificationId])).toEqual([
      ['verification.created', second],
      ['verification.canceled', first],
    ]);
    expect(rows[0]?.phoneHmac).toBe(creation?.events[0]?.phoneHmac);

    // The first code no longer approves; the second does.
    expect(await check(first, firstCode)).toMatchObject({ valid: false, status: 'canceled' });
    expect(await check(second, await t.lastCode(to))).toMatchObject({ valid: true });
    expect(canceledRows(second)).toEqual([]);
  });

  test('nothing pending: the creation comes alone, and nothing is canceled', async () => {
    const to = freshNumber();
    const id = await send(to);
    const creation = batches.find((b) => b.events.some((e) => e.verificationId === id));
    expect(creation?.events.map((e) => e.type)).toEqual(['verification.created']);
    // Approved, then a new send: the approved one is not pending, so nothing is superseded.
    expect(await check(id, await t.lastCode(to))).toMatchObject({ valid: true });
    clock.advance(PAST_COOLDOWN_MS);
    const next = await send(to);
    const after = batches.find((b) => b.events.some((e) => e.verificationId === next));
    expect(after?.events.map((e) => e.type)).toEqual(['verification.created']);
    expect(canceledRows(id)).toEqual([]);
  });

  test('a send for another purpose supersedes nothing', async () => {
    const to = freshNumber();
    const login = await send(to, 'login');
    const loginCode = await t.lastCode(to);
    clock.advance(PAST_COOLDOWN_MS);
    const signup = await send(to, 'signup');
    expect(canceledRows(login)).toEqual([]);
    expect(canceledRows(signup)).toEqual([]);
    expect(await check(login, loginCode)).toMatchObject({ valid: true, status: 'approved' });
  });

  test('the creation cannot be committed: the one the store superseded still gets its row', async () => {
    const to = freshNumber();
    const first = await send(to);
    clock.advance(PAST_COOLDOWN_MS);
    const deps = t.runtime.modules.verification;
    const trail = deps.audit;
    deps.audit = {
      commit: (events) =>
        events.some((e) => e.type === 'verification.created')
          ? Promise.reject(new Error('commit refused (test)'))
          : trail.commit(events),
      commitOrSpool: (events) => trail.commitOrSpool(events),
    };
    try {
      const refused = await t.call('POST', '/v1/verify', { body: { to } });
      expect(refused.status).toBe(500);
    } finally {
      deps.audit = trail;
    }
    const read = await (await t.call('GET', `/v1/verify/${first}`)).json();
    expect(read).toMatchObject({ status: 'canceled' });
    const rows = canceledRows(first);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: 'superseded' });
    expect(batches.find((b) => b.events.includes(rows[0] as AuditEvent))?.via).toBe(
      'commitOrSpool',
    );
  });
});
