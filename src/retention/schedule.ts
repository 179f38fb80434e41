import type { Logger } from '../telemetry/logger.ts';
import { type RetentionDeps, runRetention } from './run-retention.ts';

/** How often a serving process runs the retention job: hourly, so a restart never starves it. */
export const RETENTION_INTERVAL_MS = 3600 * 1000;

/**
 * Runs the retention job every `intervalMs` in this process, one pass at a time; a failed pass is
 * logged and the next one tries again (the job is idempotent). Several processes may each run it:
 * a row can only be deleted once. Returns the stop function for shutdown.
 */
export function scheduleRetention(
  deps: RetentionDeps & { logger: Logger },
  intervalMs: number = RETENTION_INTERVAL_MS,
): () => Promise<void> {
  let running: Promise<void> | null = null;
  const pass = async () => {
    try {
      const report = await runRetention(deps);
      for (const entry of report.removed) {
        deps.logger.info(
          { appId: entry.appId, recordType: entry.recordType, removed: entry.removed },
          'retention applied',
        );
      }
    } catch (error) {
      deps.logger.error({ err: error }, 'retention run failed; the next one retries');
    }
  };
  const timer = setInterval(() => {
    if (running) return;
    running = pass().finally(() => {
      running = null;
    });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
