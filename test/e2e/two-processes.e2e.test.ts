import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  createTestRedisPrefix,
  postgresUrl,
  redisUrl,
} from '../helpers/real-stores.ts';
import { type Simulator, startSmscSimulator } from '../helpers/smsc-simulator.ts';
import { cleanUpSpawned, output } from '../helpers/spawn-server.ts';
import {
  codeSentTo,
  deployment,
  startTessera,
  type Tessera,
  wrongCode,
} from '../helpers/spawned-tessera.ts';

/** Verifications allow this many evaluated codes (README, Threat model). */
const MAX_ATTEMPTS = 5;
/** ip_send_hour's default (README, Limits). */
const IP_SENDS_PER_HOUR = 20;

describe.skipIf(!postgresUrl || !redisUrl)(
  'two Tessera processes on one Redis and one Postgres',
  () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let keys: ReturnType<typeof createTestRedisPrefix>;
    let smsc: Simulator;
    let a: Tessera;
    let b: Tessera;

    beforeAll(async () => {
      database = await createTestDatabase();
      keys = createTestRedisPrefix();
      smsc = await startSmscSimulator();
      const d = deployment(
        { databaseUrl: database.url, redisUrl: redisUrl as string, redisKeyPrefix: keys.prefix },
        smsc,
      );
      // One after the other: the first applies the migrations, the second finds them applied.
      a = await startTessera(d);
      b = await startTessera(d);
    }, 240_000);

    afterAll(async () => {
      await cleanUpSpawned();
      await smsc?.close();
      await keys?.drop();
      await database?.drop();
    });

    /** `count` calls made at once, alternating between the two processes. */
    const split = <T>(count: number, call: (server: Tessera, i: number) => Promise<T>) =>
      Promise.all(Array.from({ length: count }, (_, i) => call(i % 2 === 0 ? a : b, i)));

    async function send(server: Tessera, phone: string, ip: string): Promise<string> {
      const sent = await server.call('POST', '/v1/verify', { to: phone, client: { ip } });
      expect(sent.status, output(server.server)).toBe(201);
      return ((await sent.json()) as { id: string }).id;
    }

    /**
     * A check's answer: a verdict, or the number's failed-check budget refusing it. Each check
     * reserves one failure of that budget (10 an hour) before it is evaluated and gives it back
     * after, so more than 10 checks at once may see it spent: that refusal is the limit holding.
     */
    async function verdict(response: Response): Promise<{ valid: boolean; status?: string }> {
      const body = (await response.json()) as { valid: boolean; status?: string; limit?: string };
      if (response.status === 429) {
        expect(body.limit).toBe('phone_failed_checks');
        return { valid: false };
      }
      expect(response.status).toBe(200);
      return body;
    }

    async function auditCount(id: string, type: string): Promise<number> {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>(
          'select count(*) as n from audit_events where verification_id = $1 and type = $2',
          [id, type],
        );
        return Number(rows[0]?.n);
      } finally {
        await client.end();
      }
    }

    it('both serve, each with its own SMPP session', async () => {
      expect(a.port).not.toBe(b.port);
      expect(smsc.boundSessions()).toBe(2);
    });

    it('parallel wrong codes on one verification, split across both, get the attempt budget and no more', async () => {
      const phone = '+33612340001';
      const id = await send(a, phone, '10.1.0.1');
      const code = codeSentTo(smsc, phone);
      const answers = await split(20, async (server, i) => {
        const response = await server.call('POST', `/v1/verify/${id}/check`, {
          code: wrongCode(code),
          client: { ip: `10.1.1.${i + 1}` },
        });
        return verdict(response);
      });
      expect(answers.every((answer) => !answer.valid)).toBe(true);
      expect(await auditCount(id, 'check.wrong')).toBe(MAX_ATTEMPTS);
      // The right code now comes too late, on either process.
      for (const server of [a, b]) {
        const late = await server.call('POST', `/v1/verify/${id}/check`, {
          code,
          client: { ip: '10.1.2.1' },
        });
        expect(await late.json()).toMatchObject({ valid: false, status: 'max_attempts_reached' });
      }
    });

    it('parallel right codes on one verification, split across both, approve once', async () => {
      const phone = '+33612340002';
      const id = await send(b, phone, '10.2.0.1');
      const code = codeSentTo(smsc, phone);
      const answers = await split(12, async (server, i) => {
        const response = await server.call('POST', `/v1/verify/${id}/check`, {
          code,
          client: { ip: `10.2.1.${i + 1}` },
        });
        return verdict(response);
      });
      expect(answers.filter((answer) => answer.valid)).toHaveLength(1);
      expect(await auditCount(id, 'check.approved')).toBe(1);
      expect((await a.call('GET', `/v1/verify/${id}`)).status).toBe(200);
      expect(await (await a.call('GET', `/v1/verify/${id}`)).json()).toMatchObject({
        status: 'approved',
      });
    });

    it('parallel sends to one number, split across both, send one SMS (the per-number cooldown)', async () => {
      const phone = '+33612340003';
      const before = smsc.submits.length;
      const statuses = await split(
        10,
        async (server, i) =>
          (
            await server.call('POST', '/v1/verify', {
              to: phone,
              client: { ip: `10.3.0.${i + 1}` },
            })
          ).status,
      );
      expect(statuses.filter((status) => status === 201)).toHaveLength(1);
      expect(statuses.filter((status) => status === 429)).toHaveLength(9);
      expect(smsc.submits.length - before).toBe(1);
    });

    it('parallel sends from one end-user IP, split across both, stop at its hourly limit', async () => {
      const before = smsc.submits.length;
      const answers = await split(IP_SENDS_PER_HOUR + 10, async (server, i) => {
        const response = await server.call('POST', '/v1/verify', {
          to: `+336123410${String(i).padStart(2, '0')}`,
          client: { ip: '10.4.0.1' },
        });
        return {
          status: response.status,
          limit: ((await response.json()) as { limit?: string }).limit,
        };
      });
      expect(answers.filter((answer) => answer.status === 201)).toHaveLength(IP_SENDS_PER_HOUR);
      const refused = answers.filter((answer) => answer.status !== 201);
      expect(refused).toEqual(Array(10).fill({ status: 429, limit: 'ip_send_hour' }));
      expect(smsc.submits.length - before).toBe(IP_SENDS_PER_HOUR);
    });
  },
);
