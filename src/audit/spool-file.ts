import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent } from './types.ts';

/**
 * Where audit rows that Postgres refused survive a crash: one JSON file per process in a directory
 * (AUDIT_SPOOL_DIR), rewritten whole on each change (the spool only holds rows of an outage).
 */
export interface SpoolFile {
  /**
   * Takes over the rows left by earlier processes of this host (crashed or restarted, so not
   * running) and returns them in order; from then on they are this process's to commit. A file
   * that cannot be read as rows is renamed `*.unreadable` (kept for an operator) and named in
   * `unreadable`, rather than blocking the start.
   */
  recover(): Promise<{ events: AuditEvent[]; unreadable: string[] }>;
  /** Replaces this process's file with `events`, durably (written aside, synced, renamed). */
  save(events: readonly AuditEvent[]): Promise<void>;
}

export interface SpoolIdentity {
  host: string;
  pid: number;
  /** Whether a process of this host still runs; its file is left to it. */
  isRunning(pid: number): boolean;
}

const CURRENT_PROCESS: SpoolIdentity = {
  host: hostname(),
  pid: process.pid,
  isRunning: (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: it exists, under another user.
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
};

export function createSpoolFile(dir: string, identity = CURRENT_PROCESS): SpoolFile {
  // Hosts sharing the directory (replicas on one volume) each keep to their own files.
  const prefix = `spool-${encodeURIComponent(identity.host)}-`;
  const own = join(dir, `${prefix}${identity.pid}.json`);

  async function save(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) {
      await rm(own, { force: true });
      return;
    }
    const aside = `${own}.tmp`;
    const file = await open(aside, 'w', 0o600);
    try {
      await file.writeFile(JSON.stringify(events));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(aside, own);
  }

  return {
    async recover() {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const left: { path: string; mtimeMs: number; events: AuditEvent[] }[] = [];
      const unreadable: string[] = [];
      for (const name of await readdir(dir)) {
        const pid = Number(/^(\d+)\.json$/.exec(name.slice(prefix.length))?.[1]);
        if (!name.startsWith(prefix) || !Number.isInteger(pid)) continue;
        // Our own pid can only be a previous process's (pid 1 in a restarted container).
        if (pid !== identity.pid && identity.isRunning(pid)) continue;
        const path = join(dir, name);
        try {
          const { mtimeMs } = await stat(path);
          left.push({ path, mtimeMs, events: parseEvents(await readFile(path, 'utf8')) });
        } catch {
          await rename(path, `${path}.unreadable`);
          unreadable.push(`${path}.unreadable`);
        }
      }
      const events = left.sort((a, b) => a.mtimeMs - b.mtimeMs).flatMap((file) => file.events);
      // Ours first, then the others go: a crash in between leaves rows in two files, which the
      // trail writes once (they keep their ids).
      await save(events);
      for (const { path } of left) if (path !== own) await rm(path, { force: true });
      return { events, unreadable };
    },
    save,
  };
}

function parseEvents(text: string): AuditEvent[] {
  const parsed = JSON.parse(text) as Array<Omit<AuditEvent, 'createdAt'> & { createdAt: string }>;
  if (!Array.isArray(parsed)) throw new Error('not a list of audit events');
  return parsed.map((event) => {
    const createdAt = new Date(event.createdAt);
    const badId = event.id !== undefined && typeof event.id !== 'string';
    if (typeof event.type !== 'string' || Number.isNaN(createdAt.getTime()) || badId) {
      throw new Error('not an audit event');
    }
    return { ...event, createdAt };
  });
}
