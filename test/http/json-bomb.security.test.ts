import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { verificationEndpoints } from '../../src/verification/index.ts';
import { redisUrl, scanKeys } from '../helpers/real-stores.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

const TO = '+33612345678';

/** `{"to":…,"metadata":{"k":{"k":…1…}}}`: the body nests `depth` objects in all. */
function nestedObjects(depth: number): string {
  const inner = depth - 2;
  return `{"to":"${TO}","metadata":{"k":${'{"k":'.repeat(inner)}1${'}'.repeat(inner)}}}`;
}

/** The same with arrays inside metadata: `{"to":…,"metadata":{"k":[[…[1]…]]}}`. */
function nestedArrays(depth: number): string {
  const inner = depth - 2;
  return `{"to":"${TO}","metadata":{"k":${'['.repeat(inner)}1${']'.repeat(inner)}}}`;
}

describe('the start schema bounds metadata on its own, without the HTTP scan', () => {
  it('metadata nested 5,000 deep is a schema issue, not a stack overflow', () => {
    const start = verificationEndpoints.find(
      ({ definition }) => definition.method === 'post' && definition.path === '/v1/verify',
    );
    const content = start?.definition.request?.body?.content['application/json'];
    const schema = (content as { schema: z.ZodType }).schema;
    const body = JSON.parse(nestedArrays(5_000)) as unknown;
    const parsed = schema.safeParse(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['metadata', 'must nest at most 8 levels'],
    ]);
  });
});

/**
 * A JSON body must not cost more than its answer: a body nested thousands deep (which overflowed
 * the stack in recursive code) or larger than any request needs is refused with problem+json
 * before anything is sent, counted or stored.
 */
describe.each(BACKENDS)('JSON bombs are refused before any work: $name', (backend) => {
  let t: TestApp;
  let redis: Redis | null = null;
  beforeAll(async () => {
    if (!backend.available) return;
    t = await startTestApp(backend);
    if (backend.real) redis = new Redis(redisUrl as string);
  });
  afterAll(async () => {
    redis?.disconnect();
    await t?.close();
  });
  const test = backend.available ? it : it.skip;

  /** Nothing sent, nothing counted, nothing stored: no SMS printed, no Redis key, no outbox. */
  async function expectNothingChanged() {
    expect(t.printed).toEqual([]);
    if (redis && t.redisKeyPrefix) expect(await scanKeys(redis, t.redisKeyPrefix)).toEqual([]);
    const outbox = await t.call('GET', `/v1/dev/outbox?to=${encodeURIComponent(TO)}`);
    expect(await outbox.json()).toEqual({ messages: [] });
  }

  async function expectProblem(response: Response, status: number, code: string) {
    const text = await response.text();
    expect(response.status, text).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body).toMatchObject({ status, code, type: `https://tessera.dev/problems/${code}` });
    return body;
  }

  test.each([
    ['objects', nestedObjects],
    ['arrays', nestedArrays],
  ])('metadata of %s nested 5,000 deep is a 400 naming the depth limit', async (_kind, build) => {
    const raw = build(5_000);
    expect(raw.length).toBeLessThan(64 * 1024);
    const problem = await expectProblem(
      await t.call('POST', '/v1/verify', { raw }),
      400,
      'invalid_request',
    );
    expect(problem.detail).toMatch(/nest.*32/);
    await expectNothingChanged();
  });

  test('one level past the limit is refused; the limit itself still reaches the schema', async () => {
    await expectProblem(
      await t.call('POST', '/v1/verify', { raw: nestedObjects(33) }),
      400,
      'invalid_request',
    );
    await expectNothingChanged();
    // Depth 32 gets past the scan to the schema, which bounds metadata itself (8 levels).
    const atLimit = await expectProblem(
      await t.call('POST', '/v1/verify', { raw: nestedObjects(32) }),
      400,
      'invalid_request',
    );
    expect(atLimit.errors).toEqual([{ path: 'metadata', message: 'must nest at most 8 levels' }]);
    await expectNothingChanged();
    // Metadata 8 levels deep (the body: 9) is read: a wrong number proves it reached the handler.
    const deepest = nestedObjects(9).replace(TO, 'not a number');
    await expectProblem(
      await t.call('POST', '/v1/verify', { raw: deepest }),
      422,
      'invalid_phone_number',
    );
  });

  test('brackets inside strings are text, not nesting', async () => {
    const raw = JSON.stringify({ to: 'x', metadata: { note: '['.repeat(200) + '{'.repeat(200) } });
    await expectProblem(await t.call('POST', '/v1/verify', { raw }), 422, 'invalid_phone_number');
  });

  test('a body over 64 KiB is a 413 payload_too_large', async () => {
    const raw = JSON.stringify({ to: TO, metadata: { blob: 'x'.repeat(70_000) } });
    await expectProblem(await t.call('POST', '/v1/verify', { raw }), 413, 'payload_too_large');
    await expectNothingChanged();
  });

  test('a chunked body (no Content-Length) over 64 KiB is a 413 too', async () => {
    const chunk = new TextEncoder().encode(`"${'x'.repeat(8_000)}",`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0)
          controller.enqueue(new TextEncoder().encode(`{"to":"${TO}","metadata":{"k":[`));
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await t.app.request('/v1/verify', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.keys.a}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    await expectProblem(response, 413, 'payload_too_large');
    await expectNothingChanged();
  });

  test('a check with a nested or oversize body spends no attempt', async () => {
    const sent = await t.call('POST', '/v1/verify', { body: { to: TO } });
    expect(sent.status).toBe(201);
    const { id } = (await sent.json()) as { id: string };
    const deep = `{"code":"123456","x":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    await expectProblem(
      await t.call('POST', `/v1/verify/${id}/check`, { raw: deep }),
      400,
      'invalid_request',
    );
    const big = JSON.stringify({ code: '123456', x: 'x'.repeat(70_000) });
    await expectProblem(
      await t.call('POST', `/v1/verify/${id}/check`, { raw: big }),
      413,
      'payload_too_large',
    );
    expect(await (await t.call('GET', `/v1/verify/${id}`)).json()).toMatchObject({
      status: 'pending',
      attempts_remaining: 5,
    });
  });
});
