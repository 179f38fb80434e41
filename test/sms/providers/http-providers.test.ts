import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError, type ProviderMessage } from '../../../src/sms/provider.ts';
import {
  createHttpJsonProvider,
  HttpJsonProviderConfigSchema,
} from '../../../src/sms/providers/http-json/http-json.ts';
import {
  createTwilioProvider,
  isTwilioSignatureValid,
  parseTwilioStatusCallback,
  twilioSignature,
} from '../../../src/sms/providers/twilio/twilio.ts';
import { createLogger } from '../../../src/telemetry/logger.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: Received, res: ServerResponse) => void;

const servers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((close) => close()));
});

/** A real HTTP peer on 127.0.0.1 recording every request it reads in full. */
async function startPeer(handler: Handler): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      handler(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(
    () =>
      new Promise<void>((resolve) => {
        // A peer that never answers keeps its sockets open; close them with the server.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received };
}

/** A port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function answerJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

const ACCOUNT_SID = `AC${'a1'.repeat(16)}`;
const AUTH_TOKEN = 'twilio-auth-token-7f3c9e';
const CALLBACK = 'https://tessera.example/sms/receipts/twilio?secret=callback-secret-91ab';

const message: ProviderMessage = {
  appId: 'app_01HZX3K0',
  to: '+33612345678',
  text: 'Your Tessera code is 482913',
  senderId: 'Tessera',
  reference: 'ver_01HZX3K5',
};

const signal = () => AbortSignal.timeout(5_000);

describe('Twilio provider', () => {
  it('posts the form to the Messages resource with Basic auth and returns the sid', async () => {
    const peer = await startPeer((_req, res) =>
      answerJson(res, 201, { sid: 'SM0123456789abcdef0123456789abcdef', status: 'queued' }),
    );
    const provider = createTwilioProvider({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      baseUrl: `${peer.url}/`,
      statusCallbackUrl: CALLBACK,
    });

    expect(provider.kind).toBe('twilio');
    await expect(provider.send(message, signal())).resolves.toEqual({
      providerMessageId: 'SM0123456789abcdef0123456789abcdef',
    });

    expect(peer.received).toHaveLength(1);
    const req = peer.received[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(req.headers.authorization).toBe(
      `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`,
    );
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(req.body);
    expect(Object.fromEntries(form)).toEqual({
      To: '+33612345678',
      From: 'Tessera',
      Body: 'Your Tessera code is 482913',
      StatusCallback: CALLBACK,
    });
  });

  it('sends no StatusCallback when none is configured and keeps unicode bodies intact', async () => {
    const peer = await startPeer((_req, res) => answerJson(res, 201, { sid: 'SM1' }));
    const provider = createTwilioProvider({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      baseUrl: peer.url,
    });
    const text = 'Code 111222 — ne le partagez pas 🔐 & =+%';
    await provider.send({ ...message, text }, signal());
    const form = new URLSearchParams(peer.received[0]!.body);
    expect(form.has('StatusCallback')).toBe(false);
    expect(form.get('Body')).toBe(text);
  });

  it('maps a 400 to refused with Twilio code and message, never our number or text', async () => {
    const peer = await startPeer((_req, res) =>
      answerJson(res, 400, {
        code: 21211,
        message: 'Invalid To',
        more_info: 'https://www.twilio.com/docs/errors/21211',
        status: 400,
      }),
    );
    const provider = createTwilioProvider({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      baseUrl: peer.url,
    });
    const error = await providerError(provider.send(message, signal()));
    expect(error.reason).toBe('refused');
    expect(error.message).toContain('21211');
    expect(error.message).toContain('Invalid To');
    expect(error.message).not.toContain(message.to);
    expect(error.message).not.toContain('482913');
  });

  it('scrubs our number from a Twilio error message that echoes it', async () => {
    const peer = await startPeer((_req, res) =>
      answerJson(res, 400, {
        code: 21211,
        message: "The 'To' number +33612345678 is not a valid phone number.",
        status: 400,
      }),
    );
    const provider = createTwilioProvider({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      baseUrl: peer.url,
    });
    const error = await providerError(provider.send(message, signal()));
    expect(error.reason).toBe('refused');
    expect(error.message).toContain('21211');
    expect(error.message).not.toContain('612345678');
  });

  it('maps a 503 and a 429 to unavailable', async () => {
    let status = 503;
    const peer = await startPeer((_req, res) =>
      answerJson(res, status, { code: 20429, message: 'Too Many Requests' }),
    );
    const provider = createTwilioProvider({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      baseUrl: peer.url,
    });
    const outage = await providerError(provider.send(message, signal()));
    expect(outage.reason).toBe('unavailable');
    expect(outage.message).toContain('503');
    status = 429;
    const throttled = await providerError(provider.send(message, signal()));
    expect(throttled.reason).toBe('unavailable');
    expect(throttled.message).toContain('429');
  });

  it('maps a non-JSON or sid-less 2xx to bad_response, and a redirect too', async () => {
    const answers: Array<(res: ServerResponse) => void> = [
      (res) => {
        res.writeHead(201, { 'content-type': 'text/html' });
        res.end('<html>ok</html>');
      },
      (res) => answerJson(res, 201, { status: 'queued' }),
      (res) => {
        res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
        res.end();
      },
    ];
    const peer = await startPeer((_req, res) => answers.shift()!(res));
    const provider = createTwilioProvider({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      baseUrl: peer.url,
    });
    for (let i = 0; i < 3; i++) {
      const error = await providerError(provider.send(message, signal()));
      expect(error.reason).toBe('bad_response');
    }
    expect(peer.received).toHaveLength(3);
  });

  it('maps a peer that never answers to timeout, within about a second', async () => {
    const peer = await startPeer(() => {});
    const provider = createTwilioProvider({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      baseUrl: peer.url,
    });
    const started = Date.now();
    const error = await providerError(provider.send(message, AbortSignal.timeout(200)));
    expect(error.reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('maps a refused connection to unavailable', async () => {
    const provider = createTwilioProvider({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      baseUrl: `http://127.0.0.1:${await deadPort()}`,
    });
    const error = await providerError(provider.send(message, signal()));
    expect(error.reason).toBe('unavailable');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('parses status callbacks', () => {
    const form = (fields: Record<string, string>) => new URLSearchParams(fields);
    expect(
      parseTwilioStatusCallback(
        form({ MessageSid: 'SM1', MessageStatus: 'delivered', AccountSid: ACCOUNT_SID }),
      ),
    ).toEqual({ providerMessageId: 'SM1', status: 'delivered', errorCode: null });
    expect(
      parseTwilioStatusCallback(
        form({ MessageSid: 'SM2', MessageStatus: 'undelivered', ErrorCode: '30003' }),
      ),
    ).toEqual({ providerMessageId: 'SM2', status: 'undelivered', errorCode: '30003' });
    expect(
      parseTwilioStatusCallback(
        form({ MessageSid: 'SM3', MessageStatus: 'failed', ErrorCode: '' }),
      ),
    ).toEqual({ providerMessageId: 'SM3', status: 'failed', errorCode: null });

    const mapped = (status: string) =>
      parseTwilioStatusCallback(form({ MessageSid: 'SM4', MessageStatus: status }))?.status;
    expect(mapped('queued')).toBe('queued');
    expect(mapped('accepted')).toBe('queued');
    expect(mapped('scheduled')).toBe('queued');
    expect(mapped('sending')).toBe('queued');
    expect(mapped('sent')).toBe('sent');
    expect(mapped('read')).toBe('delivered');
    expect(mapped('canceled')).toBe('failed');
    expect(mapped('received')).toBeUndefined();
    expect(mapped('something-new')).toBeUndefined();
    expect(mapped('constructor')).toBeUndefined();

    expect(parseTwilioStatusCallback(form({ MessageStatus: 'delivered' }))).toBeNull();
    expect(parseTwilioStatusCallback(form({ MessageSid: 'SM5' }))).toBeNull();
  });

  // Twilio's documented example (docs "Webhooks security", api-snippets signature_validation).
  const TWILIO_EXAMPLE = {
    authToken: '12345',
    url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
    form: new URLSearchParams({
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675310',
      Digits: '1234',
      From: '+14158675310',
      To: '+18005551212',
    }),
    signature: 'GvWf1cFY/Q7PnoempGyD5oXAezc=',
  };

  it("computes Twilio's request signature as Twilio's documented example does", () => {
    const { authToken, url, form, signature } = TWILIO_EXAMPLE;
    expect(twilioSignature(authToken, url, form)).toBe(signature);
    // Parameter order on the wire does not matter: names are sorted.
    const shuffled = new URLSearchParams([...form].reverse());
    expect(isTwilioSignatureValid(authToken, url, shuffled, signature)).toBe(true);
  });

  it('refuses a signature for another URL, another body, another token, or none', () => {
    const { authToken, url, form, signature } = TWILIO_EXAMPLE;
    const tampered = new URLSearchParams(form);
    tampered.set('Digits', '1235');
    expect(isTwilioSignatureValid(authToken, url, tampered, signature)).toBe(false);
    expect(isTwilioSignatureValid(authToken, `${url}&x=1`, form, signature)).toBe(false);
    expect(isTwilioSignatureValid('54321', url, form, signature)).toBe(false);
    expect(isTwilioSignatureValid(authToken, url, form, '')).toBe(false);
  });

  it('accepts the URL with its default port written out or left out, as Twilio may sign either', () => {
    const { authToken, form } = TWILIO_EXAMPLE;
    const signedWithPort = twilioSignature(authToken, 'https://mycompany.com:443/cb?s=1', form);
    expect(
      isTwilioSignatureValid(authToken, 'https://mycompany.com/cb?s=1', form, signedWithPort),
    ).toBe(true);
    const signedWithout = twilioSignature(authToken, 'https://mycompany.com/cb?s=1', form);
    expect(
      isTwilioSignatureValid(authToken, 'https://mycompany.com:443/cb?s=1', form, signedWithout),
    ).toBe(true);
    // A port that is not the default is part of the URL.
    const signedOn8443 = twilioSignature(authToken, 'https://mycompany.com:8443/cb?s=1', form);
    expect(
      isTwilioSignatureValid(authToken, 'https://mycompany.com/cb?s=1', form, signedOn8443),
    ).toBe(false);
  });
});

describe('HTTP JSON provider', () => {
  const template = {
    recipient: { to: ['{{to}}'] },
    message: '{{text}}',
    from: '{{sender}}',
    ref: 'tessera-{{reference}}',
    options: { flash: false, priority: 3, note: null },
  };

  it('fills the template so hostile text arrives intact, sends headers, reads messageIdPath', async () => {
    const peer = await startPeer((_req, res) =>
      answerJson(res, 200, { status: 'ok', data: { id: 'msg-7781' } }),
    );
    const provider = createHttpJsonProvider({
      url: `${peer.url}/v1/sms?channel=otp`,
      method: 'PUT',
      headers: { 'X-Api-Key': 'aggregator-key-5d1e', 'X-Tenant': 'tessera' },
      body: template,
      messageIdPath: 'data.id',
    });
    const text = 'He said "hi" \\ C:\\path\nline 2\t{{to}} ", "admin": true, "x": " 🔐👍🏽 é';

    expect(provider.kind).toBe('http');
    await expect(provider.send({ ...message, text }, signal())).resolves.toEqual({
      providerMessageId: 'msg-7781',
    });

    const req = peer.received[0]!;
    expect(req.method).toBe('PUT');
    expect(req.url).toBe('/v1/sms?channel=otp');
    expect(req.headers['x-api-key']).toBe('aggregator-key-5d1e');
    expect(req.headers['x-tenant']).toBe('tessera');
    expect(req.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(req.body)).toEqual({
      recipient: { to: ['+33612345678'] },
      message: text,
      from: 'Tessera',
      ref: 'tessera-ver_01HZX3K5',
      options: { flash: false, priority: 3, note: null },
    });
  });

  it('defaults to POST, keeps a configured content type, and returns a null id without a path', async () => {
    const peer = await startPeer((_req, res) => {
      res.writeHead(202, { 'content-type': 'text/plain' });
      res.end('Accepted');
    });
    const provider = createHttpJsonProvider({
      url: peer.url,
      headers: { 'Content-Type': 'application/vnd.sms+json' },
      body: { to: '{{to}}', text: '{{text}}' },
    });
    await expect(provider.send(message, signal())).resolves.toEqual({ providerMessageId: null });
    expect(peer.received[0]!.method).toBe('POST');
    expect(peer.received[0]!.headers['content-type']).toBe('application/vnd.sms+json');
  });

  it('reads ids through arrays and numbers, and refuses a 2xx without the configured id', async () => {
    const answers = [
      { messages: [{ id: 42 }] },
      { messages: [] },
      { messages: [{ id: '' }] },
      'not json',
    ];
    const peer = await startPeer((_req, res) => {
      const next = answers.shift();
      if (typeof next === 'string') {
        res.writeHead(200);
        res.end(next);
      } else {
        answerJson(res, 200, next);
      }
    });
    const provider = createHttpJsonProvider({
      url: peer.url,
      body: { to: '{{to}}' },
      messageIdPath: 'messages.0.id',
    });
    await expect(provider.send(message, signal())).resolves.toEqual({ providerMessageId: '42' });
    for (let i = 0; i < 3; i++) {
      const error = await providerError(provider.send(message, signal()));
      expect(error.reason).toBe('bad_response');
    }
  });

  it('maps 4xx to refused, 5xx and network errors to unavailable, abort to timeout', async () => {
    let status = 422;
    const peer = await startPeer((_req, res) =>
      answerJson(res, status, {
        code: 'INVALID_RECIPIENT',
        message: `Recipient ${message.to} is invalid for "${message.text}"`,
      }),
    );
    const provider = createHttpJsonProvider({ url: peer.url, body: { to: '{{to}}' } });

    const refused = await providerError(provider.send(message, signal()));
    expect(refused.reason).toBe('refused');
    expect(refused.message).toContain('422');
    expect(refused.message).toContain('INVALID_RECIPIENT');
    expect(refused.message).not.toContain('612345678');
    expect(refused.message).not.toContain('482913');

    status = 502;
    expect((await providerError(provider.send(message, signal()))).reason).toBe('unavailable');

    const dead = createHttpJsonProvider({
      url: `http://127.0.0.1:${await deadPort()}/send`,
      body: { to: '{{to}}' },
    });
    expect((await providerError(dead.send(message, signal()))).reason).toBe('unavailable');

    const silent = await startPeer(() => {});
    const slow = createHttpJsonProvider({ url: silent.url, body: { to: '{{to}}' } });
    const started = Date.now();
    const timeout = await providerError(slow.send(message, AbortSignal.timeout(200)));
    expect(timeout.reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('times out on an answer whose body never finishes', async () => {
    const peer = await startPeer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":');
    });
    const provider = createHttpJsonProvider({
      url: peer.url,
      body: { to: '{{to}}' },
      messageIdPath: 'data.id',
    });
    const error = await providerError(provider.send(message, AbortSignal.timeout(200)));
    expect(error.reason).toBe('timeout');
  });

  it('validates its configuration with HttpJsonProviderConfigSchema', () => {
    const parsed = HttpJsonProviderConfigSchema.parse({
      url: 'https://api.aggregator.example/sms',
      body: { recipient: '{{to}}', message: '{{text}}' },
    });
    expect(parsed.method).toBe('POST');
    expect(parsed.headers).toEqual({});

    const fails = (config: unknown) => !HttpJsonProviderConfigSchema.safeParse(config).success;
    expect(fails({ url: 'https://a.example', body: { to: '{{phone}}' } })).toBe(true);
    expect(fails({ url: 'ftp://a.example', body: {} })).toBe(true);
    expect(fails({ url: 'https://a.example', method: 'GET', body: {} })).toBe(true);
    expect(fails({ url: 'https://a.example', headers: { 'X-A': 'a\r\nX-B: b' }, body: {} })).toBe(
      true,
    );
    expect(fails({ url: 'https://a.example', headers: { 'Bad Name': 'x' }, body: {} })).toBe(true);
    expect(fails({ url: 'https://a.example', body: {}, messageIdPath: 'data..id' })).toBe(true);
    expect(fails({ url: 'https://a.example', body: {}, extra: 1 })).toBe(true);
    expect(() =>
      createHttpJsonProvider({ url: 'https://a.example', body: { to: '{{number}}' } }),
    ).toThrow();
  });
});

describe('provider logging', () => {
  it('logs kind, status and duration per request, never the text, the number or secrets', async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
    let status = 201;
    const peer = await startPeer((req, res) => {
      if (req.url.includes('/Accounts/')) {
        answerJson(res, status, status === 201 ? { sid: 'SM9' } : { code: 21211, message: 'x' });
      } else {
        answerJson(res, status === 201 ? 200 : status, { data: { id: 'h1' } });
      }
    });
    const silent = await startPeer(() => {});
    const twilio = createTwilioProvider({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      baseUrl: peer.url,
      statusCallbackUrl: CALLBACK,
      logger,
    });
    const http = createHttpJsonProvider({
      url: `${peer.url}/send?api_key=query-secret-3e8d`,
      headers: { Authorization: 'Bearer header-secret-b7c2' },
      body: { to: '{{to}}', text: '{{text}}' },
      messageIdPath: 'data.id',
      logger,
    });

    await twilio.send(message, signal());
    await http.send(message, signal());
    status = 400;
    await providerError(twilio.send(message, signal()));
    await providerError(http.send(message, signal()));
    const slowTwilio = createTwilioProvider({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      baseUrl: silent.url,
      logger,
    });
    await providerError(slowTwilio.send(message, AbortSignal.timeout(100)));

    expect(lines).toHaveLength(5);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((e) => [e.provider, e.status, e.level])).toEqual([
      ['twilio', 201, 20],
      ['http', 200, 20],
      ['twilio', 400, 20],
      ['http', 400, 20],
      ['twilio', null, 20],
    ]);
    for (const entry of entries) expect(typeof entry.durationMs).toBe('number');
    expect(entries[4]!.reason).toBe('timeout');

    const all = lines.join('\n');
    for (const secret of [
      '612345678',
      '482913',
      message.text,
      AUTH_TOKEN,
      Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64'),
      'callback-secret-91ab',
      'query-secret-3e8d',
      'header-secret-b7c2',
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});
