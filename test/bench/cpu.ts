import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc (USER_HZ); 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

export interface CpuShares {
  /** Percent of one core, per group (200% = both cores of a 2-core machine). */
  server: number;
  /** The server's main thread alone (its event loop): near 100% means JavaScript is the bottleneck. */
  serverMain: number;
  postgres: number;
  redis: number;
  bench: number;
  other: number;
  idle: number;
}

interface Snapshot {
  at: number;
  groups: { server: number; serverMain: number; postgres: number; redis: number; bench: number };
  busy: number;
  idle: number;
}

function processTicks(pid: number | string): { comm: string; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may hold spaces; the fields we need follow the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
    return { comm, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

function snapshot(serverPid: number): Snapshot | null {
  let cpuLine: string;
  try {
    cpuLine = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  } catch {
    return null;
  }
  const values = cpuLine.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const busy = values.slice(0, 8).reduce((sum, v) => sum + v, 0) - idle;
  const groups = { server: 0, serverMain: 0, postgres: 0, redis: 0, bench: 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const proc = processTicks(entry);
    if (!proc) continue;
    if (Number(entry) === serverPid) groups.server += proc.ticks;
    else if (proc.comm === 'postgres') groups.postgres += proc.ticks;
    else if (proc.comm === 'redis-server') groups.redis += proc.ticks;
  }
  groups.bench = processTicks(process.pid)?.ticks ?? 0;
  groups.serverMain = processTicks(`${serverPid}/task/${serverPid}`)?.ticks ?? 0;
  return { at: performance.now(), groups, busy, idle };
}

/**
 * Who used the CPU between start() and stop(), from /proc (Linux only; null elsewhere). Processes
 * that ended in between (a Postgres backend that closed) are missed, so "other" is an upper bound.
 */
export function startCpuSampler(serverPid: number): { stop(): CpuShares | null } {
  const first = snapshot(serverPid);
  return {
    stop() {
      const last = snapshot(serverPid);
      if (!first || !last) return null;
      const seconds = (last.at - first.at) / 1000;
      const pct = (ticks: number) => (100 * ticks) / TICKS_PER_SECOND / seconds;
      const server = pct(last.groups.server - first.groups.server);
      const serverMain = pct(last.groups.serverMain - first.groups.serverMain);
      const postgres = pct(last.groups.postgres - first.groups.postgres);
      const redis = pct(last.groups.redis - first.groups.redis);
      const bench = pct(last.groups.bench - first.groups.bench);
      const busy = pct(last.busy - first.busy);
      return {
        server,
        serverMain,
        postgres,
        redis,
        bench,
        other: Math.max(0, busy - server - postgres - redis - bench),
        idle: pct(last.idle - first.idle),
      };
    },
  };
}

/** Percent of the whole machine busy over the next `ms` (null without /proc). */
export async function machineBusy(ms: number): Promise<number | null> {
  const read = () => {
    try {
      const values = (readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '')
        .trim()
        .split(/\s+/)
        .slice(1, 9)
        .map(Number);
      const idle = (values[3] ?? 0) + (values[4] ?? 0);
      return { idle, total: values.reduce((sum, v) => sum + v, 0) };
    } catch {
      return null;
    }
  };
  const first = read();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const last = read();
  if (!first || !last || last.total === first.total) return null;
  return 100 * (1 - (last.idle - first.idle) / (last.total - first.total));
}
