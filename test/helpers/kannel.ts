import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.ts';

/**
 * A real Kannel (Debian package `kannel`) for the Kannel provider's tests: bearerbox with one SMPP
 * link to an SMSC (the test simulator) and smsbox in front of it with one sendsms user, all on
 * 127.0.0.1 and in a temp dir of its own.
 */

export const BEARERBOX = '/usr/sbin/bearerbox';
export const SMSBOX = '/usr/sbin/smsbox';

/** Null when Kannel can run here; otherwise why not (for the skip banner or the failure). */
export function kannelProblem(): string | null {
  const missing = [BEARERBOX, SMSBOX].filter((file) => !existsSync(file));
  return missing.length === 0
    ? null
    : `${missing.join(' and ')} not found: install the Debian package \`kannel\` (.ci/run does)`;
}

export interface Kannel {
  /** http://127.0.0.1:PORT/cgi-bin/sendsms (the provider takes the base URL: `baseUrl`). */
  sendsmsUrl: string;
  /** http://127.0.0.1:PORT, what the Kannel provider's `url` is. */
  baseUrl: string;
  username: string;
  password: string;
  /** The SMPP link's smsc-id, forced for the sendsms user. */
  smscId: string;
  /** How long bearerbox + smsbox took to listen, then smsbox and the SMPP link to connect (ms). */
  startupMs: { boxes: number; link: number };
  /** The last lines of bearerbox's and smsbox's logs, for failure messages. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
// Boxes still running when the test process exits without calling stop() (a crash, a timeout).
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
const PORT_WAIT_MS = 10_000;
const LINK_WAIT_MS = 10_000;
const STOP_WAIT_MS = 3_000;

export async function startKannel(options: {
  smscHost: string;
  smscPort: number;
  systemId: string;
  password: string;
  /** Kannel log level: 0 debug … 4 panic (default 1: info). */
  logLevel?: number;
  /**
   * Where smsbox hands messages from phones (MO): an sms-service `get-url`, with Kannel's escapes
   * (`%p` the sender, `%a` the text) already in it. Without it, MO messages have no service.
   */
  moUrl?: string;
}): Promise<Kannel> {
  const problem = kannelProblem();
  if (problem) throw new Error(`Kannel is not installed: ${problem}`);

  const dir = mkdtempSync(join(tmpdir(), 'tessera-kannel-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    // bearerbox first: it takes smsbox down with it in about a second; stopped after smsbox,
    // it did not exit within seconds (it waits for a box to hand reports to).
    for (const child of children) await terminate(child);
    children.length = 0;
    rmSync(dir, { recursive: true, force: true });
  };
  const logs = { bearerbox: join(dir, 'bearerbox.log'), smsbox: join(dir, 'smsbox.log') };
  const logTail = (lines = 15) =>
    Object.entries(logs)
      .map(([box, file]) => `--- ${box} ---\n${tail(file, lines)}`)
      .join('\n');

  try {
    const [adminPort, smsboxPort, sendsmsPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const smscId = 'tessera-otp';
    const username = 'tessera';
    const password = randomBytes(8).toString('hex');
    const logLevel = options.logLevel ?? 1;
    const conf = join(dir, 'kannel.conf');
    writeFileSync(
      conf,
      kannelConf([
        {
          group: 'core',
          'admin-port': adminPort,
          'admin-interface': HOST,
          'admin-password': randomBytes(8).toString('hex'),
          'admin-allow-ip': HOST,
          'smsbox-port': smsboxPort,
          'smsbox-interface': HOST,
          'box-allow-ip': HOST,
          'dlr-storage': 'internal',
          'log-file': logs.bearerbox,
          'log-level': logLevel,
          'access-log': join(dir, 'bearerbox-access.log'),
        },
        {
          group: 'smsc',
          smsc: 'smpp',
          'smsc-id': smscId,
          // Only messages forced to this id use the link: OTP traffic never shares a bulk link.
          'allowed-smsc-id': smscId,
          host: options.smscHost,
          port: options.smscPort,
          'transceiver-mode': true,
          'smsc-username': options.systemId,
          'smsc-password': options.password,
          // Kannel refuses an SMPP link without one; the simulator does not check it.
          'system-type': 'OTP',
          'interface-version': 34,
          // One submit in flight: the rest wait in bearerbox's queue, where priority orders them.
          'max-pending-submits': 1,
          // The default 10 s would make the first bind (and every rebind) slow.
          'reconnect-delay': 1,
          'enquire-link-interval': 30,
        },
        {
          group: 'smsbox',
          'bearerbox-host': HOST,
          'bearerbox-port': smsboxPort,
          'sendsms-port': sendsmsPort,
          'sendsms-interface': HOST,
          'log-file': logs.smsbox,
          'log-level': logLevel,
          'access-log': join(dir, 'smsbox-access.log'),
        },
        {
          group: 'sendsms-user',
          username,
          password,
          'forced-smsc': smscId,
        },
        ...(options.moUrl
          ? [
              {
                group: 'sms-service',
                keyword: 'default',
                'catch-all': true,
                'get-url': options.moUrl,
                // The service answers 204: nothing goes back to the phone.
                'max-messages': 0,
                'omit-empty': true,
              },
            ]
          : []),
      ]),
    );

    const started = Date.now();
    const bearerbox = spawnBox(BEARERBOX, conf, dir);
    children.push(bearerbox.child);
    // smsbox dies at once when bearerbox does not listen yet.
    await waitForPort(adminPort, 'bearerbox admin port', bearerbox.exited, logTail);
    await waitForPort(smsboxPort, 'bearerbox smsbox port', bearerbox.exited, logTail);
    const smsbox = spawnBox(SMSBOX, conf, dir);
    children.push(smsbox.child);
    await waitForPort(sendsmsPort, 'smsbox sendsms port', smsbox.exited, logTail);
    const boxes = Date.now() - started;

    // Ready means smsbox is connected to bearerbox (until then its sendsms port holds requests
    // for most of a second) and the SMPP link is bound (until then sends only queue).
    const statusUrl = `http://${HOST}:${adminPort}/status.txt`;
    const linkOnline = new RegExp(`^\\s*${smscId}\\[.*\\(online`, 'm');
    const deadline = Date.now() + LINK_WAIT_MS;
    for (;;) {
      const status = await fetch(statusUrl, { signal: AbortSignal.timeout(1000) })
        .then((r) => r.text())
        .catch(() => '');
      if (/^\s*smsbox:.*\(on-line/m.test(status) && linkOnline.test(status)) break;
      if (Date.now() > deadline) {
        throw new Error(
          `Kannel not ready (smsbox connected, SMPP link online) within ${LINK_WAIT_MS} ms\n${status}\n${logTail()}`,
        );
      }
      await sleep(25);
    }
    const link = Date.now() - started - boxes;

    const baseUrl = `http://${HOST}:${sendsmsPort}`;
    return {
      baseUrl,
      sendsmsUrl: `${baseUrl}/cgi-bin/sendsms`,
      username,
      password,
      smscId,
      startupMs: { boxes, link },
      logTail,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

type ConfGroup = { group: string } & Record<string, string | number | boolean>;

function kannelConf(groups: ConfGroup[]): string {
  const value = (v: string | number | boolean) =>
    typeof v === 'string' ? `"${v.replace(/["\\]/g, '\\$&')}"` : String(v);
  return groups
    .map((group) =>
      Object.entries(group)
        .map(([key, v]) => (key === 'group' ? `group = ${v}` : `${key} = ${value(v)}`))
        .join('\n'),
    )
    .join('\n\n')
    .concat('\n');
}

function spawnBox(
  bin: string,
  conf: string,
  cwd: string,
): { child: ChildProcess; exited: () => string | null } {
  // -v 4: only panics on the console; everything else goes to the log file.
  const child = spawn(bin, ['-v', '4', conf], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  let exit: string | null = null;
  child.on('error', (error) => {
    exit = `${bin} could not start: ${error.message}`;
  });
  child.on('exit', (code, signal) => {
    running.delete(child);
    exit = `${bin} exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.trim()}` : ''}`;
  });
  return { child, exited: () => exit };
}

async function waitForPort(
  port: number,
  what: string,
  exited: () => string | null,
  logTail: () => string,
): Promise<void> {
  const deadline = Date.now() + PORT_WAIT_MS;
  for (;;) {
    const fatal = exited();
    if (fatal) throw new Error(`${fatal}\n${logTail()}`);
    if (await canConnect(port)) return;
    if (Date.now() > deadline) {
      throw new Error(`${what} (${port}) not listening after ${PORT_WAIT_MS} ms\n${logTail()}`);
    }
    await sleep(25);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    socket.setTimeout(500);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  if ((await Promise.race([gone, sleep(STOP_WAIT_MS, 'timeout')])) === 'timeout') {
    child.kill('SIGKILL');
    await Promise.race([gone, sleep(STOP_WAIT_MS)]);
  }
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
