import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Makes a server drainable; call it before it takes requests. `drain` stops taking connections and
 * lets the requests in progress finish: idle keep-alive connections are closed at once, busy ones
 * right after their response (a response begun after the drain says `Connection: close`), and
 * whatever is still open after `timeoutMs` is cut. It resolves to whether anything had to be cut.
 */
export function drainable(server: Server): { drain(timeoutMs: number): Promise<{ cut: boolean }> } {
  let draining = false;
  // Before the app's own listener, so the header is there when the response is written.
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (draining) response.setHeader('connection', 'close');
    // A keep-alive connection goes idle when its response ends: close it then, not at its timeout.
    response.once('finish', () => {
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });
  return {
    drain(timeoutMs) {
      draining = true;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          server.closeAllConnections();
          resolve({ cut: true });
        }, timeoutMs);
        server.close(() => {
          clearTimeout(timer);
          resolve({ cut: false });
        });
        server.closeIdleConnections();
      });
    },
  };
}
