import { Redis } from 'ioredis';
import pg from 'pg';
import type { AuditEvent } from '../../src/audit/index.ts';
import { redisUrl, scanKeys } from './real-stores.ts';
import type { TestApp } from './test-app.ts';

/**
 * Every audit event the app's trail is given from now on, on either backend (the embedded one's
 * PGlite cannot be read from outside). One trail serves every module.
 */
export function captureAuditEvents(t: TestApp): AuditEvent[] {
  const trail = t.runtime.modules.verification.audit;
  const seen: AuditEvent[] = [];
  const { commit, commitOrSpool } = trail;
  trail.commit = (events) => {
    seen.push(...events);
    return commit.call(trail, events);
  };
  trail.commitOrSpool = (events) => {
    seen.push(...events);
    return commitOrSpool.call(trail, events);
  };
  return seen;
}

const HMAC = /[0-9a-f]{64}/g;

/** The HMACs (64 hex digits) found in the names of the Redis keys that name this app. */
export async function hmacsInRedisKeys(t: TestApp, appId: string): Promise<Set<string>> {
  const redis = new Redis(redisUrl as string);
  try {
    const keys = await scanKeys(redis, t.redisKeyPrefix as string);
    return new Set(
      keys.filter((key) => key.includes(appId)).flatMap((key) => key.match(HMAC) ?? []),
    );
  } finally {
    redis.disconnect();
  }
}

/** Rows of the real Postgres audit table. */
export async function auditTable<Row extends pg.QueryResultRow>(
  t: TestApp,
  query: string,
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: t.databaseUrl as string });
  await client.connect();
  try {
    return (await client.query<Row>(query)).rows;
  } finally {
    await client.end();
  }
}
