import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Stops taking connections and lets the requests in progress finish: idle keep-alive connections
 * are closed at once, busy ones right after their response (which says `Connection: close`), and
 * whatever is still open after `timeoutMs` is cut. Resolves to whether anything had to be cut.
 */
export function drainHttp(server: Server, timeoutMs: number): Promise<{ cut: boolean }> {
  // Before the app's own listener, so the header is there when the response is written.
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (!response.headersSent) response.setHeader('connection', 'close');
  });
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
}
