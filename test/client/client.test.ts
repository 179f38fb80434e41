import { readFileSync } from 'node:fs';
import { createTesseraClient, type TesseraClient } from '@tessera/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCode, sendLoginCode } from '../../openapi/client/examples/quickstart.ts';
import { generateClientSchema, SCHEMA_FILE } from '../../openapi/client/generate-schema.ts';
import { describeApi } from '../../src/app.ts';
import { type Served, serveOverTcp } from '../helpers/serve-over-tcp.ts';
import { BACKENDS, startTestApp, type TestApp } from '../helpers/test-app.ts';

const PHONE = '+33612345678';

describe('@tessera/client (openapi/client)', () => {
  it('is generated from the route definitions (run `npm run openapi` after changing a route)', async () => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    expect(committed).toBe(await generateClientSchema(describeApi()));
  });

  it("is what README's TypeScript example shows (openapi/client/examples/quickstart.ts)", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = readme.match(
      /<!-- client-example -->\n```ts\n([\s\S]*?)```\n<!-- \/client-example -->/,
    );
    const example = readFileSync(
      new URL('../../openapi/client/examples/quickstart.ts', import.meta.url),
      'utf8',
    );
    expect(block?.[1]).toBe(example);
  });

  for (const backend of BACKENDS) {
    describe.skipIf(!backend.available)(`against a running Tessera (${backend.name})`, () => {
      let testApp: TestApp;
      let served: Served;
      let tessera: TesseraClient;

      beforeAll(async () => {
        testApp = await startTestApp(backend);
        served = await serveOverTcp(testApp.app.fetch);
        tessera = createTesseraClient({ baseUrl: served.base, apiKey: testApp.keys.a });
      });
      afterAll(async () => {
        await served?.close();
        await testApp?.close();
      });

      it('sends a code, reads it from the dev outbox, and checks it wrong then right', async () => {
        const sent = await tessera.POST('/v1/verify', {
          body: { to: '06 12 34 56 78', country: 'FR', purpose: 'login', locale: 'en' },
        });
        expect(sent.response.status).toBe(201);
        if (!sent.data) throw new Error('no verification');
        const id = sent.data.id;
        expect(sent.data.status).toBe('pending');

        const outbox = await tessera.GET('/v1/dev/outbox', { params: { query: { to: PHONE } } });
        const code = outbox.data?.messages[0]?.text.match(/\b(\d{6})\b/)?.[1];
        if (!code) throw new Error('no code in the outbox');
        const wrong = code === '000000' ? '111111' : '000000';

        const miss = await tessera.POST('/v1/verify/{id}/check', {
          params: { path: { id } },
          body: { code: wrong },
        });
        expect(miss.data).toMatchObject({ id, valid: false, status: 'pending' });

        const hit = await tessera.POST('/v1/verify/{id}/check', {
          params: { path: { id } },
          body: { code },
        });
        expect(hit.data).toEqual({ id, status: 'approved', valid: true, attempts_remaining: 3 });

        const read = await tessera.GET('/v1/verify/{id}', { params: { path: { id } } });
        expect(read.data?.status).toBe('approved');
      });

      it("runs README's example: send a login code, check it wrong then right", async () => {
        const endUser = { ip: '203.0.113.7', user_agent: 'README example' };
        const id = await sendLoginCode(tessera, '06 98 76 54 32', endUser);
        const code = await testApp.lastCode('+33698765432');
        expect(await checkCode(tessera, id, code === '000000' ? '111111' : '000000', endUser)).toBe(
          false,
        );
        expect(await checkCode(tessera, id, code, endUser)).toBe(true);
        await expect(sendLoginCode(tessera, '12', endUser)).rejects.toThrow(
          /^invalid_phone_number: /,
        );
      });

      it('hands a refusal back as the typed problem+json, not as data', async () => {
        const refused = await tessera.POST('/v1/verify', {
          body: { to: 'not a number', purpose: 'login' },
        });
        expect(refused.response.status).toBe(422);
        expect(refused.response.headers.get('content-type')).toContain('application/problem+json');
        expect(refused.data).toBeUndefined();
        expect(refused.error).toMatchObject({ code: 'invalid_phone_number', status: 422 });
      });

      it('sends its API key on every request, and a wrong key is refused', async () => {
        const stranger = createTesseraClient({ baseUrl: served.base, apiKey: 'tsk_not_a_key' });
        const refused = await stranger.GET('/v1/verify/{id}', {
          params: { path: { id: 'ver_0000000000000000000000' } },
        });
        expect(refused.response.status).toBe(401);
        expect(refused.error).toMatchObject({ code: 'unauthorized' });
      });

      it('lets the compiler refuse a call the contract does not allow', async () => {
        // Checked by `tsc --noEmit` (npm test): each line would compile if the types were loose.
        const calls = [
          // @ts-expect-error: no such path in openapi/openapi.json
          () => tessera.GET('/v1/verifications'),
          // @ts-expect-error: `to` is required when sending a code
          () => tessera.POST('/v1/verify', { body: { purpose: 'login' } }),
          // @ts-expect-error: `purpose` is one of the documented values
          () => tessera.POST('/v1/verify', { body: { to: PHONE, purpose: 'anything' } }),
          // @ts-expect-error: the check needs the verification id in its path
          () => tessera.POST('/v1/verify/{id}/check', { body: { code: '123456' } }),
        ];
        expect(calls).toHaveLength(4);
      });
    });
  }
});
