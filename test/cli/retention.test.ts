import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { createTestDatabase, postgresUrl } from '../helpers/real-stores.ts';

async function cli(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const YEAR = 365 * 24 * 3600 * 1000;

describe.runIf(postgresUrl !== null)('tessera retention run (PostgreSQL)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let env: Record<string, string>;
  const sqlOn = async <T extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url, SECRET_KEY: randomBytes(32).toString('hex') };
    expect((await cli(['migrate'], env)).code).toBe(0);
    await sqlOn("insert into apps (id, name) values ('app_ret', 'ret')");
    const lead = (id: string, lastContact: Date) =>
      sqlOn(
        `insert into leads (id, app_id, status, phone_hmac, phone_masked, phone_sealed, country,
                            created_at, last_contact_at)
         values ($1, 'app_ret', 'verified', md5($1), '+33 6•• •• •• 00', 'sealed', 'FR', $2, $2)`,
        [id, lastContact],
      );
    await lead('lead_old', new Date(Date.now() - 3 * YEAR - 24 * 3600 * 1000));
    await lead('lead_recent', new Date(Date.now() - 2 * YEAR));
  });
  afterAll(async () => database?.drop());

  it('deletes what is due, audits it, and finds nothing more the second time', async () => {
    const first = await cli(['retention', 'run'], env);
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toMatch(/^app app_ret: 1 leads removed/);
    expect((await sqlOn<{ id: string }>('select id from leads')).map((r) => r.id)).toEqual([
      'lead_recent',
    ]);
    const second = await cli(['retention', 'run'], env);
    expect(second).toMatchObject({ code: 0, out: 'nothing was due' });
    const rows = await sqlOn<{ reason: string; detail: Record<string, unknown> }>(
      "select reason, detail from audit_events where type = 'retention.applied'",
    );
    expect(rows).toMatchObject([{ reason: 'leads', detail: { removed: 1, retention_days: 1095 } }]);
    expect((await cli(['audit', 'verify'], env)).code).toBe(0);
  });
});
