import net from 'node:net';

/**
 * A plain TCP relay in front of a real server, so a test can take Redis or Postgres "down" for
 * the app under test (refuse and drop connections) without stopping the machine's shared server.
 */
export interface TcpProxy {
  port: number;
  /** Drops every open connection and refuses new ones. */
  cut(): Promise<void>;
  /** Accepts connections again, on the same port. */
  restore(): Promise<void>;
  /**
   * Stops relaying what the app sends (open and new connections stay up, bytes wait in the
   * relay), as a server that has stalled; `release` relays them again, in order. Both may be
   * called again: a second release must not pipe a relay twice (every byte would be sent twice).
   */
  hold(): void;
  release(): void;
  /**
   * Stops relaying what the server answers on the open connections (what the app sends still
   * arrives): the server acts on a statement, COMMIT included, and the app never hears of it.
   */
  muteReplies(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const relays = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let held = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    const relay = { client, upstream };
    relays.add(relay);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => {
        sockets.delete(socket);
        relays.delete(relay);
      });
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.pipe(client);
    if (held) client.pause();
    else client.pipe(upstream);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (server.listening) server.close(() => resolve());
      else resolve();
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    cut: stop,
    restore: () => listen(port),
    hold() {
      // Idempotent, as release: piping a relay twice would send every byte twice.
      if (held) return;
      held = true;
      for (const { client, upstream } of relays) {
        client.unpipe(upstream);
        client.pause();
      }
    },
    release() {
      if (!held) return;
      held = false;
      // pipe() resumes the socket; what it read meanwhile is relayed first.
      for (const { client, upstream } of relays) client.pipe(upstream);
    },
    muteReplies() {
      for (const { client, upstream } of relays) {
        upstream.unpipe(client);
        upstream.pause();
      }
    },
    close: stop,
  };
}
