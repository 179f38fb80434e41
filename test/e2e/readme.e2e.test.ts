import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.ts';
import {
  childEnv,
  cleanUpSpawned,
  launch,
  output,
  ROOT,
  tempDir,
  waitForLog,
  within,
} from '../helpers/spawn-server.ts';

const TO = '+33612345678';
const BASE_LINE = 'BASE=http://127.0.0.1:3000';

afterEach(cleanUpSpawned);

/** The bash block between the README's curl-session markers, exactly as a reader copies it. */
function readmeCurlSession(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- curl-session -->\s*```bash\n([\s\S]*?)```\s*<!-- \/curl-session -->/.exec(
    readme,
  )?.[1];
  if (block === undefined)
    throw new Error('README.md has no ```bash block between <!-- curl-session --> markers');
  return block;
}

/** Runs a script with `bash -e -o pipefail`, as strict as a careful reader's shell. */
function runBash(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
    // Killed rather than left behind if the session hangs (a curl that never returns).
    setTimeout(() => child.kill('SIGKILL'), 60_000).unref();
  });
}

function parseJson(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

describe('the README curl session', () => {
  it('works as written against `npm start` on the embedded default', async () => {
    // A missing curl must fail loudly: a skipped test would let the README rot unnoticed.
    const curl = spawnSync('curl', ['--version']);
    if (curl.error)
      throw new Error(`curl is required for this test and was not found on PATH (${curl.error})`);

    const session = readmeCurlSession();
    const lines = session.split('\n');
    // Only the port changes; a different first line means the README drifted from this test.
    expect(lines[0], 'the curl session must start with the documented BASE line').toBe(BASE_LINE);

    const dir = tempDir();
    // The session reads `.tessera/dev-api-key` from where it runs, as from the repository root.
    const dataDir = join(dir, '.tessera');
    const port = await freePort();
    const server = launch(childEnv({ DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' }));
    await waitForLog(server, 'Tessera listening', 60_000);

    const script = [`BASE=http://127.0.0.1:${port}`, ...lines.slice(1)].join('\n');
    // The session calls `node`: the one running these tests, whatever the shell's PATH holds.
    const env = {
      ...process.env,
      PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH}`,
    };
    const run = await within(runBash(script, dir, env), 70_000, 'the curl session');
    const report = `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}\nserver:\n${output(server)}`;
    expect(run.code, report).toBe(0);

    const printed = run.stdout.trimEnd().split('\n');
    const answers = printed.map(parseJson);
    const verification = answers.find((answer) => answer?.status === 'pending');
    expect(verification, report).toMatchObject({
      status: 'pending',
      id: expect.stringMatching(/^ver_/),
    });
    expect(run.stdout).toContain('"status":"pending"');

    const outbox = answers.find((answer) => Array.isArray(answer?.messages)) as
      | { messages: { to: string; text: string }[] }
      | undefined;
    expect(outbox?.messages, report).toHaveLength(1);
    expect(outbox?.messages[0]?.to).toBe(TO);
    expect(outbox?.messages[0]?.text).toMatch(/\d{6}/);

    // The last thing the reader sees is the right code being accepted.
    const last = printed[printed.length - 1] ?? '';
    expect(last).toContain('"valid":true');
    expect(last).toContain('"status":"approved"');
    expect(parseJson(last), report).toMatchObject({
      id: verification?.id,
      valid: true,
      status: 'approved',
    });
  }, 150_000);
});
