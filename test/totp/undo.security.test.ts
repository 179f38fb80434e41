import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../src/kernel/clock.ts';
import { codeAt, type TotpParameters, timeStep } from '../../src/totp/factor.ts';
import {
  BACKENDS,
  createTestClock,
  settingsWith,
  startTestApp,
  type TestApp,
} from '../helpers/test-app.ts';
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

const SHA1_6_30: TotpParameters = { algorithm: 'sha1', digits: 6, period: 30 };

/** 1 failed check per user and 1 check per IP: one unit not given back shows. */
const TIGHT = settingsWith({ limits: { phoneFailedChecksHour: 1, ipCheckHour: 1 } });

let users = 0;
const newUser = () => `undo-user-${process.pid}-${++users}`;
let hosts = 0;
const freshClient = () => ({ ip: `198.51.${Math.floor(++hosts / 250)}.${(hosts % 250) + 1}` });

const codeNow = (clock: Clock, secret: string, offset = 0) =>
  codeAt(secret, SHA1_6_30, timeStep(clock.now(), SHA1_6_30.period) + offset);
const wrongFor = (code: string) => (code === '000000' ? '000001' : '000000');

describe.each(BACKENDS)(
  'a TOTP verb that fails after spending gives it all back: $name',
  (backend) => {
    let t: TestApp;
    let sql: TestDatabaseSql;
    // Mid-step, so a test never straddles a step boundary unless it moves the clock.
    const clock = createTestClock(Math.floor(Date.now() / 30_000) * 30_000 + 15_000);
    beforeAll(async () => {
      if (!backend.available) return;
      const built = pglites.length;
      t = await startTestApp(backend, { throughProxies: true, clock, settings: TIGHT });
      sql = await openTestDatabaseSql(t, pglites[built]);
    });
    afterAll(async () => {
      await sql?.close();
      await t?.close();
    });
    const test = backend.available ? it : it.skip;

    const enrol = (userRef: string) =>
      t.call('POST', '/v1/totp/factors', { body: { user_ref: userRef, client: freshClient() } });
    const confirm = (id: string, code: string, client = freshClient()) =>
      t.call('POST', `/v1/totp/factors/${id}/confirm`, { body: { code, client } });
    const verify = (userRef: string, code: string, client = freshClient()) =>
      t.call('POST', '/v1/totp/verify', { body: { user_ref: userRef, code, client } });
    const list = async (userRef: string) =>
      (
        (await (
          await t.call('GET', `/v1/totp/factors?user_ref=${encodeURIComponent(userRef)}`)
        ).json()) as { factors: { id: string; status: string }[] }
      ).factors;
    const failedAttempts = async (id: string) =>
      (
        await sql.query<{ failed_attempts: number }>(
          'select failed_attempts from totp_factors where id = $1',
          [id],
        )
      )[0]?.failed_attempts;

    async function enrolled(userRef = newUser()) {
      const response = await enrol(userRef);
      expect(response.status).toBe(201);
      const { id, secret } = (await response.json()) as { id: string; secret: string };
      return { userRef, id, secret };
    }

    async function confirmed(userRef = newUser()) {
      const factor = await enrolled(userRef);
      const response = await confirm(factor.id, codeNow(clock, factor.secret));
      expect(response.status).toBe(200);
      const { recovery_codes } = (await response.json()) as { recovery_codes: string[] };
      // The confirming step is used: the next one is the first a test may verify with.
      clock.advance(30_000);
      return { ...factor, recoveryCodes: recovery_codes };
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

    test('threat: an enrolment whose totp.enrolled row is refused leaves no factor behind', async () => {
      const userRef = newUser();
      await refusedRow('totp.enrolled', () => enrol(userRef));
      expect(await list(userRef)).toEqual([]);
    });

    test('threat: a confirmation whose totp.confirmed row is refused leaves the factor unverified and confirmable', async () => {
      const { userRef, id, secret } = await enrolled();
      const code = codeNow(clock, secret);
      const client = freshClient();
      await refusedRow('totp.confirmed', () => confirm(id, code, client));
      expect(await list(userRef)).toMatchObject([{ id, status: 'unverified' }]);
      // Not verifiable, as an unconfirmed factor...
      expect((await verify(userRef, codeNow(clock, secret, 1))).status).toBe(404);
      // ...and confirmable with the same code, from the same IP (its one check was given back).
      const again = await confirm(id, code, client);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ status: 'verified' });
    });

    test("threat: a wrong confirmation code whose row is refused spends no failed check and no IP's check", async () => {
      const { id, secret } = await enrolled();
      const code = codeNow(clock, secret);
      const client = freshClient();
      await refusedRow('totp.failed', () => confirm(id, wrongFor(code), client));
      expect((await confirm(id, code, client)).status).toBe(200);
    });

    test('threat: a wrong TOTP code whose row is refused does not lock the user sooner nor spend a failed check', async () => {
      const { userRef, id, secret } = await confirmed();
      // One failure short of the lock (100 consecutive failures, NIST SP 800-63B 5.2.2).
      await sql.query('update totp_factors set failed_attempts = 99 where id = $1', [id]);
      const client = freshClient();
      await refusedRow('totp.failed', () =>
        verify(userRef, wrongFor(codeNow(clock, secret)), client),
      );
      expect(await failedAttempts(id)).toBe(99);
      // From the same IP: the user's failed check and the IP's check were both given back.
      const verified = await verify(userRef, codeNow(clock, secret), client);
      expect(verified.status).toBe(200);
      expect(await verified.json()).toMatchObject({ valid: true, factor_id: id });
      expect(await failedAttempts(id)).toBe(0);
    });

    test('threat: a right TOTP code whose totp.verified row is refused is not burnt: the same code then verifies', async () => {
      const { userRef, id, secret } = await confirmed();
      const code = codeNow(clock, secret);
      const client = freshClient();
      await refusedRow('totp.verified', () => verify(userRef, code, client));
      expect(await failedAttempts(id)).toBe(0);
      const verified = await verify(userRef, code, client);
      expect(verified.status).toBe(200);
      expect(await verified.json()).toMatchObject({ valid: true, factor_id: id, method: 'totp' });
      // Accepted once it is recorded, and only once.
      expect(await (await verify(userRef, code)).json()).toMatchObject({ valid: false });
    });

    test('threat: a recovery code whose totp.verified row is refused is not used up', async () => {
      const { userRef, id, recoveryCodes } = await confirmed();
      const recovery = recoveryCodes[0] as string;
      const client = freshClient();
      await refusedRow('totp.verified', () => verify(userRef, recovery, client));
      const verified = await verify(userRef, recovery, client);
      expect(await verified.json()).toMatchObject({
        valid: true,
        factor_id: id,
        method: 'recovery_code',
      });
      expect(await (await verify(userRef, recovery)).json()).toMatchObject({ valid: false });
    });
  },
);
