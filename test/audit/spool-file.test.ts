import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSpoolFile, type SpoolIdentity } from '../../src/audit/spool-file.ts';
import { makeAuditEvent } from '../helpers/audit-events.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function spoolDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-spool-'));
  dirs.push(dir);
  return dir;
}

/** Process 10 on host "a"; processes 11 (host a) and 20 (host b) still run, the others are gone. */
const identity = (pid = 10, host = 'a'): SpoolIdentity => ({
  host,
  pid,
  isRunning: (other) => other === 11 || other === 20,
});

describe('the audit spool file', () => {
  it('keeps events across processes, dates and ids included, and removes its file once empty', async () => {
    const dir = spoolDir();
    const events = [
      makeAuditEvent({ type: 'sms.sent', createdAt: new Date('2026-11-24T10:00:00.000Z') }),
      // The id an event was first sent with goes with it (the trail writes an id once).
      makeAuditEvent({
        id: 'evt_first_try',
        type: 'verification.canceled',
        verificationId: 'ver_2',
      }),
    ];
    const before = createSpoolFile(dir, identity(10));
    expect(await before.recover()).toEqual({ events: [], unreadable: [] });
    await before.save(events);
    expect(readdirSync(dir)).toEqual(['spool-a-10.json']);

    // The next process (here pid 12) takes them over, as they were.
    const after = createSpoolFile(dir, identity(12));
    const { events: recovered } = await after.recover();
    expect(recovered).toEqual(events);
    expect(recovered[0]?.createdAt).toBeInstanceOf(Date);
    expect(readdirSync(dir)).toEqual(['spool-a-12.json']);

    await after.save([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over the files of processes that are gone, oldest first, and leaves running ones and other hosts alone', async () => {
    const dir = spoolDir();
    const at = (name: string, events: ReturnType<typeof makeAuditEvent>[], seconds: number) => {
      writeFileSync(join(dir, name), JSON.stringify(events));
      utimesSync(join(dir, name), seconds, seconds);
    };
    const older = makeAuditEvent({ verificationId: 'ver_older' });
    const newer = makeAuditEvent({ verificationId: 'ver_newer' });
    const own = makeAuditEvent({ verificationId: 'ver_own_pid_before_restart' });
    at('spool-a-7.json', [newer], 2_000);
    at('spool-a-8.json', [older], 1_000);
    // A container restarted under the same pid: its previous life's file is ours to commit.
    at('spool-a-10.json', [own], 3_000);
    at('spool-a-11.json', [makeAuditEvent({ verificationId: 'ver_running' })], 500);
    at('spool-b-5.json', [makeAuditEvent({ verificationId: 'ver_other_host' })], 500);
    writeFileSync(join(dir, 'spool-a-9.json.tmp'), 'half-written');

    const { events: recovered } = await createSpoolFile(dir, identity(10)).recover();
    expect(recovered.map((event) => event.verificationId)).toEqual([
      'ver_older',
      'ver_newer',
      'ver_own_pid_before_restart',
    ]);
    expect(readdirSync(dir).sort()).toEqual([
      'spool-a-10.json',
      'spool-a-11.json',
      'spool-a-9.json.tmp',
      'spool-b-5.json',
    ]);
  });

  it('sets aside a file it cannot read (kept for an operator) instead of failing the start', async () => {
    const dir = spoolDir();
    writeFileSync(join(dir, 'spool-a-3.json'), '[{"type": "sms.sent", "createdAt": "not a date"}]');
    writeFileSync(join(dir, 'spool-a-4.json'), 'garbage');
    const kept = makeAuditEvent({ verificationId: 'ver_kept' });
    writeFileSync(join(dir, 'spool-a-5.json'), JSON.stringify([kept]));

    const { events, unreadable } = await createSpoolFile(dir, identity(10)).recover();
    expect(events.map((event) => event.verificationId)).toEqual(['ver_kept']);
    expect(unreadable.map((path) => path.slice(dir.length + 1)).sort()).toEqual([
      'spool-a-3.json.unreadable',
      'spool-a-4.json.unreadable',
    ]);
    expect(readdirSync(dir).sort()).toEqual([
      'spool-a-10.json',
      'spool-a-3.json.unreadable',
      'spool-a-4.json.unreadable',
    ]);
  });
});
