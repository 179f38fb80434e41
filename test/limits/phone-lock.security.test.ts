import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/audit/types.ts';
import { runCli } from '../../src/cli/main.ts';
import { unlockNumber } from '../../src/limits/unlock-number.ts';
import { redisUrl } from '../helpers/real-stores.ts';
import {
  BACKENDS,
  createTestClock,
  settingsWith,
  startTestApp,
  type TestApp,
} from '../helpers/test-app.ts';

/** Distinct valid French mobiles, so tests do not share a number's counters by accident. */
let serial = 70_000_000;
const freshNational = () => String(serial++).padStart(8, '0');
const wrongFor = (code: string) => (code === '000000' ? '000001' : '000000');
const ATTEMPTS = 5;

describe.each(BACKENDS)('the lasting lock of a number: $name', (backend) => {
  let t: TestApp;
  let appId: string;
  /** Every audit row committed, as the trail was handed it. */
  const committed: AuditEvent[] = [];
  const clock = createTestClock();
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend, { clock });
    appId = (await t.runtime.modules.access.ensureApp('app-a')).id;
    const trail = t.runtime.modules.verification.audit;
    const commit = trail.commit.bind(trail);
    trail.commit = async (events) => {
      await commit(events);
      committed.push(...events);
    };
  });
  afterAll(async () => t?.close());
  const test = backend.available ? it : it.skip;

  /** Each test states the lock threshold it is about (none: the default, 100). */
  const useLock = (phoneLockFailures?: number) =>
    t.runtime.modules.access.updateApp(
      appId,
      {
        settings: settingsWith({
          limits: {
            resendCooldownSeconds: 0,
            ...(phoneLockFailures ? { phoneLockFailures } : {}),
          },
        }),
      },
      [],
    );
  beforeEach(async () => {
    if (backend.available) await useLock();
  });

  const send = (to: string, purpose = 'login') =>
    t.call('POST', '/v1/verify', { body: { to, purpose } });
  /** A new verification to `to`, its code and a wrong one (a minute later, past any cooldown). */
  const open = async (to: string, purpose = 'login') => {
    clock.advance(60_000);
    const response = await send(to, purpose);
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const code = await t.lastCode(to);
    return { id, code, wrong: wrongFor(code) };
  };
  const check = (id: string, code: string) =>
    t.call('POST', `/v1/verify/${id}/check`, { body: { code } });
  /** Spends every attempt of a new verification on wrong codes: 5 failed checks of the number. */
  const failFive = async (to: string, purpose = 'login') => {
    const v = await open(to, purpose);
    for (let i = 0; i < ATTEMPTS; i++) {
      const response = await check(v.id, v.wrong);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ valid: false });
    }
  };
  async function expectLocked(response: Response) {
    expect(response.status).toBe(423);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(response.headers.get('retry-after')).toBeNull();
    expect(await response.json()).toMatchObject({ status: 423, code: 'phone_locked' });
  }
  /** The number's failed checks without a success, as the lock store holds them. */
  const failuresOf = async (to: string) => {
    const { phoneLocks, subjects } = t.runtime.modules.verification;
    const counted = await phoneLocks.read(`${appId}:${await subjects.hmac(appId, to)}`);
    return counted?.failures ?? 0;
  };
  const rowsOf = (type: string, from: number) =>
    committed.slice(from).filter((event) => event.type === type);

  test('threat: 100 failed checks across 20 verifications lock the number (default), then every check and send is 423', async () => {
    const national = freshNational();
    const to = `+336${national}`;
    const from = committed.length;
    for (let v = 0; v < 19; v++) await failFive(to);
    // A verification still pending when the lock falls, on another purpose.
    const pending = await open(to, 'signup');
    await failFive(to);
    expect(rowsOf('phone.locked', from)).toHaveLength(1);
    expect(rowsOf('phone.locked', from)[0]).toMatchObject({
      outcome: 'locked',
      reason: 'failed_checks',
      detail: { failed_checks: 100 },
    });

    const printed = t.printed.length;
    // The right code too: a locked check is not evaluated.
    await expectLocked(await check(pending.id, pending.code));
    await expectLocked(await check(pending.id, pending.wrong));
    // It spent no attempt of the verification, which is still pending.
    const read = await (await t.call('GET', `/v1/verify/${pending.id}`)).json();
    expect(read).toMatchObject({ status: 'pending', attempts_remaining: ATTEMPTS });
    // No new code reaches the phone, whichever way the number is spelled, nor a resend.
    await expectLocked(await send(to));
    await expectLocked(
      await t.call('POST', '/v1/verify', { body: { to: `06${national}`, country: 'FR' } }),
    );
    clock.advance(60_000);
    await expectLocked(await t.call('POST', `/v1/verify/${pending.id}/resend`));
    expect(t.printed.length).toBe(printed);
    // Each refusal is a row, as the hourly limits' are.
    const refusals = rowsOf('limit.hit', from).filter((e) => e.reason === 'phone_locked');
    expect(refusals).toHaveLength(5);
    expect(refusals.every((e) => e.outcome === 'refused' && e.phoneHmac !== null)).toBe(true);

    // Still locked an hour, then a day later: only support lifts it.
    clock.advance(25 * 3_600_000);
    await expectLocked(await send(to));
  });

  test('a success before the threshold clears the count; it counts again from zero', async () => {
    await useLock(5);
    const to = `+336${freshNational()}`;
    const first = await open(to);
    for (let i = 0; i < 4; i++) await check(first.id, first.wrong);
    expect(await failuresOf(to)).toBe(4);
    expect(await (await check(first.id, first.code)).json()).toMatchObject({ valid: true });
    // Cleared after the answer (not awaited by the check): wait until it lands.
    await expect.poll(() => failuresOf(to)).toBe(0);
    // Four more failures: eight in all, but four since the success, so every one is evaluated.
    const second = await open(to, 'signup');
    for (let i = 0; i < 4; i++) {
      expect(await (await check(second.id, second.wrong)).json()).toMatchObject({ valid: false });
    }
    // The fifth since the success is evaluated and locks the number; the next is refused.
    expect((await check(second.id, second.wrong)).status).toBe(200);
    await expectLocked(await check(second.id, second.code));
    await expectLocked(await send(to, 'password_reset'));
  });

  test('threat: 20 parallel wrong guesses at the edge never pass the threshold', async () => {
    await useLock(10);
    const to = `+336${freshNational()}`;
    await failFive(to, 'login');
    const signup = await open(to, 'signup');
    for (let i = 0; i < 2; i++) await check(signup.id, signup.wrong);
    // Seven failures: three to go. Twenty guesses at once over four pending verifications.
    const pending: Awaited<ReturnType<typeof open>>[] = [];
    for (const purpose of ['password_reset', 'transaction', 'signature', 'other']) {
      pending.push(await open(to, purpose));
    }
    const from = committed.length;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const v = pending[i % pending.length] as (typeof pending)[number];
        return check(v.id, v.wrong);
      }),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 423)).toHaveLength(17);
    expect(rowsOf('check.wrong', from)).toHaveLength(3);
    expect(rowsOf('phone.locked', from)).toHaveLength(1);
    // Only the three evaluated guesses spent attempts.
    let remaining = 0;
    for (const v of pending) {
      const read = (await (await t.call('GET', `/v1/verify/${v.id}`)).json()) as {
        attempts_remaining: number;
      };
      remaining += read.attempts_remaining;
    }
    expect(remaining).toBe(4 * ATTEMPTS - 3);
    expect(await failuresOf(to)).toBe(10);
  });

  test('an unlock re-opens the number and is audited, naming the operator', async () => {
    await useLock(5);
    const national = freshNational();
    const to = `+336${national}`;
    await failFive(to);
    await expectLocked(await send(to));
    const deps = t.runtime.modules.verification;
    const from = committed.length;
    const unlocked = await unlockNumber(
      {
        phoneLocks: deps.phoneLocks,
        subjects: deps.subjects,
        commit: (events) => deps.audit.commit(events),
        now: clock.now,
      },
      { appId, e164: to, threshold: 5, operator: 'alice@support', note: 'ticket 42' },
    );
    expect(unlocked).toMatchObject({ failures: 5, locked: true });
    const [row] = rowsOf('phone.unlocked', from);
    expect(row).toMatchObject({
      appId,
      outcome: 'ok',
      phoneHmac: await deps.subjects.hmac(appId, to),
      phoneMasked: `+33 6•• •• •• ${national.slice(-2)}`,
      detail: { operator: 'alice@support', note: 'ticket 42', failed_checks: 5 },
    });
    // Codes reach the number again and its checks are evaluated.
    const v = await open(to);
    expect(await (await check(v.id, v.code)).json()).toMatchObject({ valid: true });
    // Nothing left to unlock: nothing written.
    const again = await unlockNumber(
      {
        phoneLocks: deps.phoneLocks,
        subjects: deps.subjects,
        commit: (events) => deps.audit.commit(events),
        now: clock.now,
      },
      { appId, e164: to, threshold: 5, operator: 'alice@support', note: null },
    );
    expect(again.failures).toBe(0);
    expect(rowsOf('phone.unlocked', from)).toHaveLength(1);
  });

  /** `tessera numbers …` against this app's stores, as support runs it on the same deployment. */
  async function cli(argv: string[]) {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
    const out: string[] = [];
    const err: string[] = [];
    try {
      const env: Record<string, string> = {
        DATA_DIR: dataDir,
        SECRET_KEY: t.secretKey,
        LOG_LEVEL: 'silent',
        ...(t.databaseUrl ? { DATABASE_URL: t.databaseUrl } : {}),
        ...(t.redisKeyPrefix
          ? { REDIS_URL: redisUrl as string, REDIS_KEY_PREFIX: t.redisKeyPrefix }
          : {}),
      };
      const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
      return { code, out: out.join('\n'), err: err.join('\n') };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  if (backend.real) {
    test('support: `tessera numbers status` and `unlock` on Redis, audited in Postgres', async () => {
      await useLock(5);
      const national = freshNational();
      const to = `+336${national}`;
      await failFive(to);
      const number = ['--app', 'app-a', '--phone', `06 ${national}`, '--country', 'fr'];
      const status = await cli(['numbers', 'status', ...number]);
      expect(status).toMatchObject({ code: 0, err: '' });
      expect(status.out).toMatch(/LOCKED, 5 failed checks without a success \(locks at 5\)/);
      expect(status.out).not.toContain(national);
      expect((await cli(['numbers', 'unlock', ...number])).code).not.toBe(0);
      const unlock = await cli([
        'numbers',
        'unlock',
        ...number,
        '--operator',
        'bob',
        '--note',
        'T-7',
      ]);
      expect(unlock).toMatchObject({ code: 0, err: '' });
      expect(unlock.out).toMatch(/unlocked .* 5 failed checks forgotten \(it was locked\)/);
      expect(await failuresOf(to)).toBe(0);
      expect((await cli(['numbers', 'status', ...number])).out).toMatch(/no failed checks/);
      expect(await send(to)).toHaveProperty('status', 201);

      const client = new pg.Client({ connectionString: t.databaseUrl as string });
      await client.connect();
      try {
        const { rows } = await client.query<{ type: string; phone_hmac: string; detail: object }>(
          `select type, phone_hmac, detail from audit_events
            where type in ('phone.locked', 'phone.unlocked') and phone_hmac = $1 order by seq`,
          [await t.runtime.modules.verification.subjects.hmac(appId, to)],
        );
        expect(rows.map((r) => r.type)).toEqual(['phone.locked', 'phone.unlocked']);
        expect(rows[1]?.detail).toMatchObject({ operator: 'bob', note: 'T-7', failed_checks: 5 });
      } finally {
        await client.end();
      }
      const unknown = await cli([
        'numbers',
        'unlock',
        ...number,
        '--app',
        'no-such-app',
        '--operator',
        'bob',
      ]);
      expect(unknown).toMatchObject({ code: 1, err: 'error: no app named no-such-app' });
    });
  } else {
    test('support: without REDIS_URL the CLI says it cannot reach the serving process', async () => {
      const run = await cli([
        'numbers',
        'unlock',
        '--app',
        'app-a',
        '--phone',
        '+33612345678',
        '--operator',
        'bob',
      ]);
      expect(run.code).toBe(2);
      expect(run.err).toMatch(/REDIS_URL is not set: .*serving process.*cannot reach/);
    });
  }
});
