import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import type { RedisTarget } from '../config/redis-target.ts';
import { connecting, endpointOf, reasonOf, StartupError } from '../config/startup-failure.ts';
import { type Database, openDatabase } from './database.ts';

/**
 * The database the configuration names, reached once before anything is asked of it, so that a
 * start (or a CLI command) that cannot reach it says so in one line naming DATABASE_URL (DATA_DIR
 * for the embedded one), and not with a driver's stack from the middle of a migration.
 */
export async function openConfiguredDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  options: { pgliteInMemory: boolean },
): Promise<Database> {
  const url = config.databaseUrl;
  if (url) {
    const database = await openDatabase({ url });
    try {
      await connecting('DATABASE_URL', endpointOf(url, 5432), () => database.ping());
    } catch (error) {
      await database.close().catch(() => {});
      throw error;
    }
    return database;
  }
  const dir = options.pgliteInMemory ? null : join(config.dataDir, 'pglite');
  try {
    return await openDatabase({ pgliteDir: dir });
  } catch (error) {
    throw new StartupError(
      'DATA_DIR',
      `cannot open the embedded database in ${dir} (${reasonOf(error)})`,
    );
  }
}

/** Where REDIS_URL points, for messages: never its password. */
export function redisEndpoint(target: RedisTarget): string {
  if (target.kind === 'single') return endpointOf(target.url, 6379);
  const sentinels = target.sentinels.map((s) => `${s.host}:${s.port}`).join(', ');
  return `master "${target.name}" through the sentinels ${sentinels}`;
}
