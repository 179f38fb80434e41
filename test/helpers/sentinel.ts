import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from './free-port.ts';

/**
 * A real Redis Sentinel (the redis-server binary in sentinel mode) watching the run's Redis as a
 * master, on 127.0.0.1 and in a temp dir of its own: the service finds its Redis through it.
 */
export interface Sentinel {
  port: number;
  masterName: string;
  stop(): Promise<void>;
}

/** Null when redis-server can run a sentinel here; otherwise why not. */
export function sentinelProblem(): string | null {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.status === 0
    ? null
    : 'redis-server not found: install the Debian package `redis-server`';
}

export async function startSentinel(master: { host: string; port: number }): Promise<Sentinel> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-sentinel-'));
  const port = await freePort();
  const masterName = 'tessera-test';
  // Sentinel rewrites its config file, so it gets one of its own.
  const config = join(dir, 'sentinel.conf');
  writeFileSync(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${masterName} ${master.host} ${master.port} 1`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        if (client.status !== 'ready') await client.connect();
        const address = (await client.call('SENTINEL', 'get-master-addr-by-name', masterName)) as
          | string[]
          | null;
        if (address?.[1] === String(master.port)) break;
      } catch {
        // Not listening yet.
      }
      if (attempt > 100) throw new Error(`the sentinel on port ${port} did not come up in 10 s`);
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.disconnect();
  }
  return { port, masterName, stop };
}
