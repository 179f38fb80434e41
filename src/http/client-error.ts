import type { Duplex } from 'node:stream';
import { problemDetails } from './problem.ts';

/**
 * What Node's HTTP parser refuses before any handler runs (its 'clientError' event), answered as
 * problem+json like every other refusal instead of Node's bare status line. Codes as Node's own
 * answers map them (lib/_http_server.js); anything else is a 400.
 */
const REFUSALS: Record<string, { status: number; reason: string; code: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    code: 'headers_too_large',
    detail: 'The request headers are larger than this server accepts.',
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    status: 413,
    reason: 'Payload Too Large',
    code: 'payload_too_large',
    detail: 'The chunk extensions of the request body are larger than this server accepts.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    code: 'request_timeout',
    detail: 'The request did not arrive in time.',
  },
};
const MALFORMED = {
  status: 400,
  reason: 'Bad Request',
  code: 'invalid_request',
  detail: 'The request is not valid HTTP/1.1.',
};

/** How long a refused client has to read the answer before its connection is cut. */
const LINGER_MS = 1000;

/** The raw HTTP/1.1 answer to a request Node's parser refused. */
export function clientErrorResponse(error: { code?: string }): string {
  const refusal = REFUSALS[error.code ?? ''] ?? MALFORMED;
  const body = JSON.stringify(problemDetails(refusal.status, refusal.code, refusal.detail));
  return [
    `HTTP/1.1 ${refusal.status} ${refusal.reason}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** A 'clientError' listener for the node:http server that `serve()` returns. */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // Nothing can be answered on a connection that is gone, or where another response has begun
  // (a pipelined request): writing there would corrupt what the client reads.
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (
    error.code === 'ECONNRESET' ||
    !socket.writable ||
    socket.writableEnded ||
    inFlight?.headersSent
  ) {
    socket.destroy();
    return;
  }
  // end() rather than destroy(): cutting the connection while the client still sends (the rest of
  // an oversize header) would reset it and lose the answer. A client that never closes is cut.
  socket.end(clientErrorResponse(error));
  const cut = setTimeout(() => socket.destroy(), LINGER_MS);
  cut.unref();
  socket.once('close', () => clearTimeout(cut));
}
