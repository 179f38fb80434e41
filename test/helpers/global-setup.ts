import { Redis } from 'ioredis';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string | null;
    postgresUrl: string | null;
  }
}

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function firstAnswering(candidates: (string | undefined)[], answers: (url: string) => Promise<boolean>) {
  for (const url of candidates) if (url && (await answers(url))) return url;
  return null;
}

export default async function setup(project: TestProject) {
  const redisUrl = await firstAnswering([process.env.REDIS_URL, 'redis://127.0.0.1:6379'], redisAnswers);
  const postgresUrl = await firstAnswering(
    [process.env.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/postgres'],
    postgresAnswers,
  );
  project.provide('redisUrl', redisUrl);
  project.provide('postgresUrl', postgresUrl);
}
