import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.d.ts';

export type { components, paths };

/** The schemas an app handles most, by their names in openapi/openapi.json. */
export type Schemas = components['schemas'];
export type Verification = Schemas['Verification'];
export type CheckResult = Schemas['CheckResult'];
export type Problem = Schemas['Problem'];

export interface TesseraClientOptions {
  /** Where Tessera answers, e.g. `http://127.0.0.1:3000` (the API's paths start with /v1). */
  baseUrl: string;
  /** An API key (`tessera keys create`), sent as `Authorization: Bearer …` on every request. */
  apiKey: string;
  /** A fetch of your own (tests, proxies, timeouts); the global one by default. */
  fetch?: (request: Request) => Promise<Response>;
}

export type TesseraClient = Client<paths>;

/**
 * A typed client for Tessera: each path, method, parameter, body and answer (problem+json
 * included) is checked against the OpenAPI document by the compiler.
 *
 * ```ts
 * const tessera = createTesseraClient({ baseUrl, apiKey });
 * const { data, error } = await tessera.POST('/v1/verify', { body: { to, purpose: 'login' } });
 * ```
 */
export function createTesseraClient(options: TesseraClientOptions): TesseraClient {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { authorization: `Bearer ${options.apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
