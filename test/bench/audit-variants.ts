/**
 * The otp cycle with parts of the audit trail's write path taken out, in the same run (issues 14
 * and 15 set goals relative to those): one server per variant, each on its own database, all
 * started before the first round; then rounds of a short closed loop against each in turn (the
 * order rotating each round), so the machine's drift and the other processes on it weigh on every
 * variant alike. A variant is the database as migrated with SQL applied after:
 *   - as built: the Merkle log and the stats trigger, as shipped;
 *   - log off: tessera_audit_tree_append does nothing (no leaf, node or head written);
 *   - before the audit API: log off, and the stats trigger and the search indexes of the audit API
 *     (migration 0008) replaced by the two indexes they superseded: the write path as it was
 *     before issue 14. The application code is this build's in all three.
 */
import os from 'node:os';
import pg from 'pg';
import type { HashProfileName } from '../../src/kernel/crypto/hash-profiles.ts';
import { runCycle } from './cycle.ts';
import { BenchClient } from './http-client.ts';
import { closedLoop, type Failures } from './load.ts';
import {
  type BenchServer,
  createBenchDatabase,
  createBenchRedisPrefix,
  raiseAppLimits,
  startBenchServer,
} from './server.ts';

const LOG_OFF = `create or replace function tessera_audit_tree_append(app text, event_ids text[],
  leaf_hashes bytea[]) returns void language plpgsql as $$ begin end $$`;

export const AUDIT_VARIANTS = [
  { name: 'as built', sql: [] as string[] },
  { name: 'Merkle log off', sql: [LOG_OFF] },
  {
    name: 'before the audit API (log off too)',
    sql: [
      LOG_OFF,
      'drop trigger audit_events_stats on audit_events',
      `drop index audit_events_app_seq_idx, audit_events_app_phone_seq_idx,
         audit_events_app_verification_seq_idx, audit_events_app_type_seq_idx,
         audit_events_app_ip_seq_idx`,
      'create index audit_events_app_phone_idx on audit_events (app_id, phone_hmac)',
      'create index audit_events_app_verification_idx on audit_events (app_id, verification_id)',
    ],
  },
] as const;

export interface VariantResult {
  name: string;
  /** cycles/s of each round, in round order. */
  rounds: number[];
  /** The 1-minute load average at the end of each round. */
  loads: number[];
}

export async function benchAuditVariants(options: {
  profile: HashProfileName;
  users: number;
  rounds: number;
  warmupMs: number;
  durationMs: number;
  threadpoolSize: number;
  failures: Failures;
  progress: (line: string) => void;
}): Promise<VariantResult[]> {
  const started: {
    server: BenchServer;
    client: BenchClient;
    drop: () => Promise<void>;
  }[] = [];
  try {
    for (const variant of AUDIT_VARIANTS) {
      const database = await createBenchDatabase();
      const redis = createBenchRedisPrefix();
      const drop = async () => {
        await database.drop();
        await redis.drop();
      };
      const server = await startBenchServer({
        profile: options.profile,
        databaseUrl: database.url,
        redisPrefix: redis.prefix,
        threadpoolSize: options.threadpoolSize,
      }).catch(async (error: unknown) => {
        await drop();
        throw error;
      });
      started.push({
        server,
        client: new BenchClient(server.port, server.apiKey, options.users),
        drop,
      });
      await raiseAppLimits(database.url);
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        for (const statement of variant.sql) await admin.query(statement);
      } finally {
        await admin.end();
      }
    }
    const results: VariantResult[] = AUDIT_VARIANTS.map(({ name }) => ({
      name,
      rounds: [],
      loads: [],
    }));
    for (let round = 0; round < options.rounds; round++) {
      for (let k = 0; k < AUDIT_VARIANTS.length; k++) {
        const v = (round + k) % AUDIT_VARIANTS.length;
        const { server, client } = started[v]!;
        const closed = await Promise.race([
          closedLoop(() => runCycle({ client, inbox: server.inbox }), {
            users: options.users,
            warmupMs: options.warmupMs,
            durationMs: options.durationMs,
            failures: options.failures,
          }),
          server.crashed,
        ]);
        results[v]!.rounds.push(closed.cyclesPerSecond);
        results[v]!.loads.push(os.loadavg()[0]!);
      }
      options.progress(
        `  round ${round + 1}/${options.rounds}: ${results.map((r) => `${r.name} ${r.rounds[round]!.toFixed(1)}`).join(', ')}`,
      );
    }
    return results;
  } finally {
    for (const { server, client, drop } of started) {
      client.close();
      await server.stop();
      await drop().catch((error) => console.error(`bench: dropping a variant's stores: ${error}`));
    }
  }
}
