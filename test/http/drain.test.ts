import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { drainable } from '../../src/http/drain.ts';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
});

/** A server whose /slow answers after `ms`, and whose other paths answer at once. */
async function start(ms: number) {
  const server = createServer((req, res) => {
    const answer = () => res.end(`done ${req.url}`);
    if (req.url === '/slow') setTimeout(answer, ms);
    else answer();
  });
  servers.push(server);
  const { drain } = drainable(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { drain, port: (server.address() as AddressInfo).port };
}

function get(
  port: number,
  path: string,
  agent?: import('node:http').Agent,
): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }),
      );
    })
      .on('error', reject)
      .end();
  });
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([
    promise,
    new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), ms)),
  ]);
}

describe('drainable', () => {
  it('lets in-flight requests finish, closes their connection after, and refuses new ones', async () => {
    const { drain, port } = await start(300);
    const { Agent } = await import('node:http');
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 4 });
    // An idle keep-alive connection, and one busy with a slow request.
    await get(port, '/warm', keepAlive);
    const inFlight = get(port, '/slow', keepAlive);
    await new Promise((done) => setTimeout(done, 50));

    const drained = drain(5000);
    await expect(get(port, '/new')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(await inFlight).toMatchObject({ status: 200, body: 'done /slow' });
    // Well before keep-alive's own 5 s timeout would have closed the connection.
    expect(await within(drained, 2000)).toEqual({ cut: false });
    keepAlive.destroy();
  });

  it('cuts what is still running at the timeout', async () => {
    const { drain, port } = await start(10_000);
    const inFlight = get(port, '/slow');
    await new Promise((done) => setTimeout(done, 50));
    const started = Date.now();
    expect(await drain(200)).toEqual({ cut: true });
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(inFlight).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
