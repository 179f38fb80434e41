import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeApi } from '../../src/app.ts';
import { serializeOpenApi } from '../../src/openapi-document.ts';
import { BACKENDS, startTestApp } from '../helpers/test-app.ts';

describe('openapi/openapi.json', () => {
  let document: { paths: Record<string, Record<string, unknown>> };
  beforeAll(async () => {
    document = describeApi() as typeof document;
  });

  it('matches the route definitions (run `npm run openapi` after changing a route)', () => {
    const committed = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');
    expect(committed).toBe(serializeOpenApi(document));
  });

  it('is what a running service serves at /openapi.json, though built without opening a store', async () => {
    const embedded = BACKENDS.find((backend) => !backend.real);
    if (!embedded) throw new Error('no embedded backend');
    const t = await startTestApp(embedded);
    try {
      const served = await t.call('GET', '/openapi.json', { key: null });
      expect(await served.json()).toEqual(document);
    } finally {
      await t.close();
    }
  });

  it('documents every endpoint of the contract', () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'POST /v1/verify',
        'POST /v1/verify/{id}/check',
        'POST /v1/verify/{id}/resend',
        'GET /v1/verify/{id}',
        'DELETE /v1/verify/{id}',
        'POST /v1/totp/factors',
        'POST /v1/totp/factors/{id}/confirm',
        'POST /v1/totp/verify',
        'GET /v1/totp/factors',
        'DELETE /v1/totp/factors/{id}',
        'GET /v1/audit/events',
        'GET /v1/audit/events/export',
        'GET /v1/audit/events/{id}',
        'GET /v1/audit/verifications/{id}/timeline',
        'GET /v1/audit/stats',
        'GET /v1/audit/verify',
        'GET /v1/audit/checkpoint',
        'GET /v1/audit/checkpoint/key',
        'GET /v1/audit/events/{id}/proof',
        'GET /v1/audit/consistency',
        'POST /v1/leads',
        'GET /v1/leads',
        'GET /v1/leads/export',
        'GET /v1/leads/{id}',
        'POST /v1/leads/{id}/qualification',
        'GET /v1/consents',
        'POST /v1/consents/withdraw',
        'POST /v1/signatures',
        'GET /v1/signatures/{id}',
        'POST /v1/signatures/{id}/confirm',
        'GET /v1/signatures/{id}/evidence',
        'POST /v1/webhooks',
        'GET /v1/webhooks',
        'GET /v1/webhooks/{id}',
        'DELETE /v1/webhooks/{id}',
        'POST /v1/webhooks/{id}/rotate-secret',
        'GET /v1/webhooks/{id}/deliveries',
        'POST /v1/subjects/erase',
        'GET /v1/dev/outbox',
        'POST /v1/providers/{route}/receipts',
        'GET /v1/providers/{route}/receipts',
        'POST /v2/Services/{ServiceSid}/Verifications',
        'POST /v2/Services/{ServiceSid}/VerificationCheck',
        'GET /v2/Services/{ServiceSid}/Verifications/{Sid}',
        'POST /v2/Services/{ServiceSid}/Verifications/{Sid}',
        'GET /healthz',
        'GET /readyz',
      ].sort(),
    );
  });
});
