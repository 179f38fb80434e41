import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/chain-report.ts';
import { openDatabase } from '../../src/db/database.ts';
import {
  createTestDatabase,
  createTestRedisPrefix,
  postgresUrl,
  redisUrl,
} from '../helpers/real-stores.ts';
import { startSmscSimulator } from '../helpers/smsc-simulator.ts';
import { cleanUpSpawned, output, waitForLog, within } from '../helpers/spawn-server.ts';
import {
  codeSentTo,
  deployment,
  freshGet,
  startTessera,
  wrongCode,
} from '../helpers/spawned-tessera.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

afterEach(cleanUpSpawned);

const SHUTDOWN_DELAY_MS = 2000;
const WORKERS = 6;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The audit rows of each verification, as their types in order. */
async function auditTypes(databaseUrl: string, ids: string[]): Promise<Map<string, string[]>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ verification_id: string; type: string }>(
      'select verification_id, type from audit_events where verification_id = any($1) order by seq',
      [ids],
    );
    const types = new Map<string, string[]>();
    for (const row of rows)
      types.set(row.verification_id, [...(types.get(row.verification_id) ?? []), row.type]);
    return types;
  } finally {
    await client.end();
  }
}

describe.skipIf(!postgresUrl || !redisUrl)(
  'graceful shutdown under load (real Redis + Postgres + SMSC)',
  () => {
    it('SIGTERM: /readyz says 503, requests are served then drained, nothing answered is lost, SMPP unbinds, exit 0', async () => {
      const database = await createTestDatabase();
      const keys = createTestRedisPrefix();
      const smsc = await startSmscSimulator();
      try {
        const d = deployment(
          { databaseUrl: database.url, redisUrl: redisUrl as string, redisKeyPrefix: keys.prefix },
          smsc,
        );
        const tessera = await startTessera(d, {
          SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
          DRAIN_TIMEOUT_MS: '15000',
        });
        expect(smsc.boundSessions()).toBe(1);

        // What each answered request must have left in the trail, by verification.
        const expected = new Map<string, string[]>();
        const answered: { at: number; status: number }[] = [];
        const refused: { at: number; error: unknown }[] = [];
        let stopLoad = false;
        const attempt = async (method: string, path: string, body: unknown) => {
          const response = await tessera.call(method, path, body);
          answered.push({ at: Date.now(), status: response.status });
          expect(response.status, `${method} ${path}\n${output(tessera.server)}`).toBeLessThan(300);
          return (await response.json()) as { id: string; status: string; valid?: boolean };
        };
        const worker = async (w: number) => {
          for (let i = 0; !stopLoad; i++) {
            const phone = `+3361${String(w).padStart(2, '0')}${String(i).padStart(5, '0')}`;
            const client = { ip: `10.${w}.${Math.floor(i / 250)}.${(i % 250) + 1}` };
            try {
              const { id } = await attempt('POST', '/v1/verify', { to: phone, client });
              expected.set(id, ['verification.created', 'sms.sent']);
              const code = codeSentTo(smsc, phone);
              const wrong = await attempt('POST', `/v1/verify/${id}/check`, {
                code: wrongCode(code),
                client,
              });
              expect(wrong.valid).toBe(false);
              expected.get(id)?.push('check.wrong');
              const right = await attempt('POST', `/v1/verify/${id}/check`, { code, client });
              expect(right.status).toBe('approved');
              expected.get(id)?.push('check.approved');
            } catch (error) {
              // Only the closed listener may stop a worker (an assertion failure is rethrown).
              if ((error as Error).name === 'AssertionError') throw error;
              refused.push({ at: Date.now(), error });
              return;
            }
          }
        };
        const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
        await sleep(1500);

        const sigterm = Date.now();
        tessera.server.child.kill('SIGTERM');
        // Readiness fails at once, while the process still serves.
        let readiness = await tessera.call('GET', '/readyz');
        for (let i = 0; i < 20 && readiness.status === 200; i++) {
          await sleep(50);
          readiness = await tessera.call('GET', '/readyz');
        }
        expect(readiness.status).toBe(503);
        expect(await readiness.json()).toMatchObject({
          status: 'unavailable',
          checks: { serving: 'unavailable', codes: 'ok', database: 'ok' },
        });
        expect(Date.now() - sigterm).toBeLessThan(SHUTDOWN_DELAY_MS);

        // A send whose SMS takes 2.5 s is in flight when the listener closes: it must complete.
        const slowPhone = '+33699999999';
        smsc.behave(slowPhone, { kind: 'slow', respondAfterMs: 2500 });
        await sleep(SHUTDOWN_DELAY_MS - 1000 - (Date.now() - sigterm));
        const slowSent = Date.now();
        const slow = tessera.call('POST', '/v1/verify', {
          to: slowPhone,
          client: { ip: '10.99.0.1' },
        });

        // The listener closes after the delay: a new connection is refused while the slow send runs.
        const announced = await waitForLog(
          tessera.server,
          'shutdown step done',
          SHUTDOWN_DELAY_MS + 5000,
        );
        expect(announced.step).toBe('announce not ready (SHUTDOWN_DELAY_MS)');
        await expect(freshGet(tessera.port, '/healthz')).rejects.toMatchObject({
          code: 'ECONNREFUSED',
        });
        const slowResponse = await slow;
        expect(slowResponse.status).toBe(201);
        expect(Date.now() - slowSent).toBeGreaterThanOrEqual(2400);
        const { id: slowId } = (await slowResponse.json()) as { id: string };
        expected.set(slowId, ['verification.created', 'sms.sent']);

        stopLoad = true;
        await load;
        const exit = await within(tessera.server.closed, 20_000, 'stopping after SIGTERM');
        expect(exit, output(tessera.server)).toEqual({ code: 0, signal: null });

        // Served during the delay, and refused only once the listener had closed.
        expect(
          answered.filter((a) => a.at > sigterm + 200 && a.at < sigterm + SHUTDOWN_DELAY_MS - 200)
            .length,
        ).toBeGreaterThan(0);
        expect(answered.every((a) => a.status < 300)).toBe(true);
        for (const r of refused)
          expect(r.at, String(r.error)).toBeGreaterThanOrEqual(sigterm + SHUTDOWN_DELAY_MS);
        expect(expected.size).toBeGreaterThan(WORKERS);

        // Every answered request has its rows, once, in order; the chain holds.
        const trail = await auditTypes(database.url, [...expected.keys()]);
        for (const [id, types] of expected) {
          // Receipts (sms.delivered) come from the SMSC when they come, not with an answer.
          const recorded = (trail.get(id) ?? []).filter((type) => type !== 'sms.delivered');
          expect(recorded, id).toEqual(types);
        }
        const chain = await openDatabase({ url: database.url });
        try {
          expect(await verifyAuditChain(chain)).toMatchObject({ ok: true });
        } finally {
          await chain.close();
        }

        // SMPP left politely; the steps ran in order, none failed; nothing waits in the spool.
        expect(smsc.unbinds).toBe(1);
        expect(smsc.boundSessions()).toBe(0);
        const steps = tessera.server.lines
          .filter((line) => line.text.includes('"shutdown step'))
          .map((line) => JSON.parse(line.text) as { step: string; msg: string });
        expect(steps.map((s) => [s.step, s.msg])).toEqual([
          ['announce not ready (SHUTDOWN_DELAY_MS)', 'shutdown step done'],
          ['drain HTTP', 'shutdown step done'],
          ['close SMS routes (unbind SMPP)', 'shutdown step done'],
          ['stop webhook worker', 'shutdown step done'],
          ['flush audit trail', 'shutdown step done'],
          ['close stores', 'shutdown step done'],
        ]);
        expect(await waitForLog(tessera.server, 'stopped', 0)).toMatchObject({ failed: [] });
        const spool = readdirSync(`${tessera.dataDir}/audit-spool`).filter((name) =>
          name.endsWith('.json'),
        );
        expect(spool).toEqual([]);
      } finally {
        await cleanUpSpawned();
        await smsc.close();
        await keys.drop();
        await database.drop();
      }
    }, 240_000);

    it('SIGTERM with Postgres down: the audit rows it refused stay in the spool, and the exit says so', async () => {
      const database = await createTestDatabase();
      const keys = createTestRedisPrefix();
      const smsc = await startSmscSimulator();
      const target = new URL(database.url);
      const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
      try {
        const viaProxy = new URL(database.url);
        viaProxy.hostname = '127.0.0.1';
        viaProxy.port = String(proxy.port);
        const d = deployment(
          {
            databaseUrl: viaProxy.toString(),
            redisUrl: redisUrl as string,
            redisKeyPrefix: keys.prefix,
          },
          smsc,
        );
        const tessera = await startTessera(d);
        const sent = await tessera.call('POST', '/v1/verify', { to: '+33612345678' });
        expect(sent.status, output(tessera.server)).toBe(201);
        const { id } = (await sent.json()) as { id: string };

        // The cancellation happens in Redis; its row can only be spooled.
        await proxy.cut();
        const canceled = await tessera.call('DELETE', `/v1/verify/${id}`);
        expect(canceled.status, output(tessera.server)).toBe(200);

        tessera.server.child.kill('SIGTERM');
        const exit = await within(tessera.server.closed, 30_000, 'stopping after SIGTERM');
        expect(exit, output(tessera.server)).toEqual({ code: 1, signal: null });
        const failed = await waitForLog(tessera.server, 'shutdown step failed', 0);
        expect(failed).toMatchObject({ step: 'flush audit trail' });
        expect(JSON.stringify(failed.err)).toContain('1 audit rows stay in AUDIT_SPOOL_DIR');
        expect(await waitForLog(tessera.server, 'stopped', 0)).toMatchObject({
          failed: ['flush audit trail'],
        });
        // The row is on disk for the next start (test/audit/spool.e2e.test.ts: which commits it).
        const spoolDir = join(tessera.dataDir, 'audit-spool');
        const files = readdirSync(spoolDir).filter((name) => name.endsWith('.json'));
        expect(files).toHaveLength(1);
        expect(readFileSync(join(spoolDir, files[0] as string), 'utf8')).toContain(
          'verification.canceled',
        );
      } finally {
        await cleanUpSpawned();
        await proxy.close();
        await smsc.close();
        await keys.drop();
        await database.drop();
      }
    }, 240_000);
  },
);
