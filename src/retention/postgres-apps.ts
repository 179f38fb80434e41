import type { Database } from '../db/database.ts';
import { apps } from '../db/schema.ts';

/** Every app and its settings, for the retention job (a few rows: apps are tenants). */
export function postgresApps(database: Database) {
  return () => database.db.select({ id: apps.id, settings: apps.settings }).from(apps);
}
