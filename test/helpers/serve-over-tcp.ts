import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';

export interface Served {
  /** `http://127.0.0.1:PORT` */
  base: string;
  close(): Promise<void>;
}

/** A fetch handler on a free loopback port, as a browser or a remote client reaches a service. */
export function serveOverTcp(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<Served> {
  return new Promise((ready) => {
    const server: ServerType = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () =>
      ready({
        base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () =>
          new Promise<void>((closed) => {
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close(() => closed());
          }),
      }),
    );
  });
}
