import { newId } from '../kernel/ids.ts';
import type { SpoolFile } from './spool-file.ts';
import type { AuditEvent, AuditTrail, AuditWriter } from './types.ts';

export interface AuditSpoolOptions {
  retryMs?: number;
  /** Keeps the spool on disk, so a crash during a Postgres outage loses no row. */
  file?: SpoolFile;
  /** Rows a previous process left in the spool (SpoolFile.recover), committed first. */
  recovered?: readonly AuditEvent[];
  onSpooled?: (pending: number) => void;
  onError?: (error: unknown) => void;
}

/**
 * The audit trail over a writer. Events that cannot be undone (the SMS already left) and that
 * Postgres refused are kept in order, in memory and in the spool file when there is one (written
 * before the caller is answered), and retried until they commit.
 */
export function createAuditTrail(
  writer: AuditWriter,
  options: AuditSpoolOptions = {},
): AuditTrail & { pending(): number; flush(): Promise<void>; close(): Promise<void> } {
  const retryMs = options.retryMs ?? 1000;
  const spooled: AuditEvent[] = (options.recovered ?? []).map(withId);
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> | null = null;
  let closed = false;
  // Saves one at a time, each of the spool as it is then.
  let saving: Promise<void> = Promise.resolve();

  const persist = (): Promise<void> => {
    const { file } = options;
    options.onSpooled?.(spooled.length);
    if (!file) return saving;
    saving = saving.then(() => file.save([...spooled]).catch((error) => options.onError?.(error)));
    return saving;
  };

  const schedule = () => {
    // After close, what is left stays in the spool file for the next start.
    if (closed || timer || spooled.length === 0) return;
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
          await writer.append(batch.map(withOccurredAt));
          spooled.splice(0, batch.length);
          await persist();
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

  if (spooled.length > 0) {
    options.onSpooled?.(spooled.length);
    void flush();
  }

  return {
    commit: (events) => writer.append(events),
    commitOrSpool(events) {
      const identified = events.map(withId);
      return writer.append(identified).catch((error) => {
        options.onError?.(error);
        spooled.push(...identified);
        schedule();
        return persist();
      });
    },
    pending: () => spooled.length,
    flush,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await flush();
      await saving;
    },
  };
}

/**
 * An id given before the first attempt stays with the row through the spool and every retry: if
 * an attempt did commit and only its acknowledgement was lost, the retry writes nothing twice.
 */
function withId(event: AuditEvent): AuditEvent {
  return event.id ? event : { ...event, id: newId('evt') };
}

/**
 * A spooled row reaches the trail late, and the trail dates each row itself when it takes it (the
 * database's clock, migration 0007_audit_append_from_columns, so that no caller can back-date
 * one): the time of the fact is kept in its detail, as `occurred_at`, the service's word for it.
 */
function withOccurredAt(event: AuditEvent): AuditEvent {
  if ('occurred_at' in event.detail) return event;
  return { ...event, detail: { ...event.detail, occurred_at: event.createdAt.toISOString() } };
}
