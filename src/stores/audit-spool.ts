import type { AuditEvent, AuditTrail, AuditWriter } from '../services/ports.ts';

export interface AuditSpoolOptions {
  retryMs?: number;
  onSpooled?: (pending: number) => void;
  onError?: (error: unknown) => void;
}

/**
 * The audit trail over a writer. Events that cannot be undone (the SMS already left) and that
 * Postgres refused are kept in order in process memory and retried until they commit. Known limit: a crash during a
 * Postgres outage loses what is still spooled; `pending()` is exported as a metric to watch.
 */
export function createAuditTrail(
  writer: AuditWriter,
  options: AuditSpoolOptions = {},
): AuditTrail & { pending(): number; flush(): Promise<void>; close(): Promise<void> } {
  const retryMs = options.retryMs ?? 1000;
  const spooled: AuditEvent[] = [];
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> | null = null;

  const schedule = () => {
    if (timer || spooled.length === 0) return;
    timer = setTimeout(() => {
      timer = null;
      void flush();
    }, retryMs);
    timer.unref();
  };

  const flush = (): Promise<void> => {
    flushing ??= (async () => {
      while (spooled.length > 0) {
        const batch = spooled.slice(0, 500);
        try {
          await writer.append(batch);
          spooled.splice(0, batch.length);
          options.onSpooled?.(spooled.length);
        } catch (error) {
          options.onError?.(error);
          schedule();
          return;
        }
      }
    })().finally(() => {
      flushing = null;
    });
    return flushing;
  };

  return {
    commit: (events) => writer.append(events),
    commitOrSpool(events) {
      return writer.append(events).catch((error) => {
        options.onError?.(error);
        spooled.push(...events);
        options.onSpooled?.(spooled.length);
        schedule();
      });
    },
    pending: () => spooled.length,
    flush,
    async close() {
      if (timer) clearTimeout(timer);
      timer = null;
      await flush();
    },
  };
}
