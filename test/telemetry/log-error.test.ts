import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { DATABASE_BACKENDS } from '../helpers/database-backends.ts';

const SECRET = 'sealed-secret-3c9a71e0';

/** What the logger writes for `error`, as the parsed line. */
function logged(error: unknown): { text: string; err: Record<string, unknown> } {
  const lines: string[] = [];
  createLogger('debug', { write: (line) => void lines.push(line) }).warn({ err: error }, 'failed');
  const text = lines[0] ?? '';
  return { text, err: (JSON.parse(text) as { err: Record<string, unknown> }).err };
}

describe.each(DATABASE_BACKENDS)(
  'threat: a failed query logs what it carried: $name',
  (backend) => {
    let database: Database;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      if (!backend.available) return;
      ({ database, drop } = await backend.open());
      await database.db.execute(sql.raw('create table log_probe (ref text primary key)'));
    });
    afterAll(async () => {
      await database?.close();
      await drop?.();
    });
    const test = backend.available ? it : it.skip;

    async function failure(run: () => Promise<unknown>): Promise<unknown> {
      try {
        await run();
      } catch (error) {
        return error;
      }
      throw new Error('the statement did not fail');
    }

    test('a unique violation: neither the SQL, its parameters nor the row, but the constraint', async () => {
      await database.db.execute(sql`insert into log_probe (ref) values (${SECRET})`);
      const error = await failure(() =>
        database.db.execute(sql`insert into log_probe (ref) values (${SECRET})`),
      );
      const { text, err } = logged(error);
      // Postgres' own detail names the row: `Key (ref)=(…) already exists.`
      expect(text).not.toContain(SECRET);
      expect(text.toLowerCase()).not.toContain('insert into');
      expect(err).toMatchObject({
        type: 'DrizzleQueryError',
        message: expect.stringContaining('Failed query: duplicate key value violates unique'),
        codes: ['23505'],
        constraint: 'log_probe_pkey',
        table: 'log_probe',
      });
      expect(err.stack).toMatch(/caused by: .*duplicate key value[^\n]*\n\s+at /);
    });

    test('a data exception quotes the value at fault: the message is cut before it', async () => {
      const error = await failure(() => database.db.execute(sql`select ${SECRET}::uuid`));
      const { text, err } = logged(error);
      expect(text).not.toContain(SECRET);
      expect(err).toMatchObject({
        message: 'Failed query: invalid input syntax for type uuid',
        codes: ['22P02'],
      });
    });
  },
);

describe('threat: an error logs what it carried', () => {
  it('keeps a Node error code, drops any other `code` and every other field', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    const error = Object.assign(new Error('command failed', { cause: refused }), {
      code: SECRET.toUpperCase(),
      command: { name: 'evalsha', args: [SECRET] },
      detail: SECRET,
    });
    const { text, err } = logged(error);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECRET.toUpperCase());
    expect(err).toEqual({
      type: 'Error',
      message: 'command failed: connect ECONNREFUSED 127.0.0.1:5432',
      stack: expect.stringContaining('caused by: Error: connect ECONNREFUSED 127.0.0.1:5432\n'),
      codes: ['ECONNREFUSED'],
    });
  });

  it('reads the errors an AggregateError gathers, and a cause that points back up', () => {
    const inner = new Error('connect ECONNREFUSED ::1:5432');
    const outer = new Error('could not connect', { cause: new AggregateError([inner], '') });
    (inner as { cause?: unknown }).cause = outer;
    const { err } = logged(outer);
    expect(err.message).toBe('could not connect: connect ECONNREFUSED ::1:5432');
  });

  it('leaves a value that is not an error as it is', () => {
    expect(logged('plain words').err).toBe('plain words');
  });
});
