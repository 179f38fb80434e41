import http from 'node:http';
import net from 'node:net';

export interface HttpResponse {
  status: number;
  body: string;
}

/** Slower than this, a request counts as failed: every loop of the bench is bounded in time. */
const REQUEST_TIMEOUT_MS = 10_000;
const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

interface Pending {
  resolve: (response: HttpResponse) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** The response at the start of `data`, once it is whole: its status, body and length in bytes. */
function parseResponse(data: Buffer): { response: HttpResponse; length: number } | null {
  const headerEnd = data.indexOf(HEADER_END);
  if (headerEnd < 0) return null;
  const head = data.toString('latin1', 0, headerEnd);
  const status = Number(head.slice(9, 12));
  const contentLength = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  const bodyStart = headerEnd + HEADER_END.length;
  if (contentLength) {
    const end = bodyStart + Number(contentLength[1]);
    if (data.length < end) return null;
    return { response: { status, body: data.toString('utf8', bodyStart, end) }, length: end };
  }
  if (!/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    throw new Error(`response without a length: ${head.slice(0, 200)}`);
  }
  const chunks: Buffer[] = [];
  let at = bodyStart;
  for (;;) {
    const sizeEnd = data.indexOf(CRLF, at);
    if (sizeEnd < 0) return null;
    const size = Number.parseInt(data.toString('latin1', at, sizeEnd), 16);
    const chunkEnd = sizeEnd + CRLF.length + size + CRLF.length;
    if (data.length < chunkEnd) return null;
    if (size === 0) {
      const body = Buffer.concat(chunks).toString('utf8');
      return { response: { status, body }, length: chunkEnd };
    }
    chunks.push(data.subarray(sizeEnd + CRLF.length, sizeEnd + CRLF.length + size));
    at = chunkEnd;
  }
}

/** One keep-alive connection carrying one request at a time. */
class Connection {
  readonly socket: net.Socket;
  #received: Buffer = Buffer.alloc(0);
  #pending: Pending | null = null;
  #onIdle: (connection: Connection) => void;
  #onGone: (connection: Connection) => void;

  constructor(
    port: number,
    onIdle: (connection: Connection) => void,
    onGone: (connection: Connection) => void,
  ) {
    this.#onIdle = onIdle;
    this.#onGone = onGone;
    this.socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.#read(chunk));
    this.socket.on('error', (error) => this.#fail(error));
    this.socket.on('close', () => this.#fail(new Error('the server closed the connection')));
  }

  send(request: Buffer, pending: Pending): void {
    this.#pending = pending;
    this.socket.write(request);
  }

  #read(chunk: Buffer): void {
    this.#received = this.#received.length === 0 ? chunk : Buffer.concat([this.#received, chunk]);
    let parsed: ReturnType<typeof parseResponse>;
    try {
      parsed = parseResponse(this.#received);
    } catch (error) {
      this.socket.destroy(error as Error);
      return;
    }
    if (!parsed) return;
    this.#received = this.#received.subarray(parsed.length);
    const pending = this.#pending;
    this.#pending = null;
    if (pending) {
      clearTimeout(pending.timer);
      pending.resolve(parsed.response);
    }
    this.#onIdle(this);
  }

  #fail(error: Error): void {
    const pending = this.#pending;
    this.#pending = null;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#onGone(this);
  }
}

/**
 * A minimal keep-alive HTTP/1.1 JSON client on raw sockets, to 127.0.0.1 only: each request is one
 * write, and a response is parsed for its status and body alone. It takes several times less CPU
 * per request than node:http, and the load generator shares the machine with the server.
 * At most `maxSockets` connections; further requests wait for a free one.
 */
export class BenchClient {
  readonly #port: number;
  readonly #authorization: string;
  readonly #maxSockets: number;
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();
  readonly #waiting: Array<{ request: Buffer; pending: Pending }> = [];
  #closed = false;

  constructor(port: number, apiKey: string, maxSockets: number) {
    this.#port = port;
    this.#authorization = `Bearer ${apiKey}`;
    this.#maxSockets = maxSockets;
  }

  request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<HttpResponse> {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const head =
      `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1:${this.#port}\r\n` +
      `authorization: ${this.#authorization}\r\n` +
      (body === undefined
        ? ''
        : `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n`) +
      '\r\n';
    const request = Buffer.from(head + payload, 'utf8');
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        resolve,
        reject,
        timer: setTimeout(() => {
          reject(new Error(`${method} ${path} timed out after ${REQUEST_TIMEOUT_MS} ms`));
        }, REQUEST_TIMEOUT_MS),
      };
      if (this.#closed) {
        clearTimeout(pending.timer);
        reject(new Error('the bench client is closed'));
        return;
      }
      const connection = this.#idle.pop() ?? this.#open();
      if (connection) connection.send(request, pending);
      else this.#waiting.push({ request, pending });
    });
  }

  close(): void {
    this.#closed = true;
    for (const connection of this.#all) connection.socket.destroy();
    for (const { pending } of this.#waiting.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(new Error('the bench client is closed'));
    }
  }

  #open(): Connection | null {
    if (this.#all.size >= this.#maxSockets) return null;
    const connection = new Connection(
      this.#port,
      (idle) => this.#release(idle),
      (gone) => this.#forget(gone),
    );
    this.#all.add(connection);
    return connection;
  }

  #release(connection: Connection): void {
    const next = this.#waiting.shift();
    if (next) connection.send(next.request, next.pending);
    else this.#idle.push(connection);
  }

  #forget(connection: Connection): void {
    if (!this.#all.delete(connection)) return;
    const at = this.#idle.indexOf(connection);
    if (at >= 0) this.#idle.splice(at, 1);
    // A request waiting for a socket gets a new connection in place of the lost one.
    const next = this.#closed ? undefined : this.#waiting.shift();
    if (next) this.#open()?.send(next.request, next.pending);
  }
}

/** GET without a key, for /readyz; resolves to the status, or 0 when nothing answers. */
export function probe(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(2_000, () => req.destroy());
    req.on('error', () => resolve(0));
  });
}
