import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../http/app-env.ts';
import { problemResponse } from '../http/problem.ts';
import type { AccessStore } from './access-store.ts';
import { findApiKey } from './api-keys.ts';

/** `Authorization: Bearer <key>`, looked up by its hash (findApiKey); never stored or logged. */
export function authenticate(access: AccessStore) {
  return keyAuthentication(
    access,
    (header) => /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1],
    'A valid API key is required (Authorization: Bearer <key>).',
  );
}

/**
 * `Authorization: Basic base64(user:key)`: the API key as the password, for clients that speak
 * HTTP Basic (Twilio's SDKs send `AccountSid:AuthToken`). The user part identifies nothing: the key
 * alone names its app, as with Bearer.
 */
export function authenticateBasic(access: AccessStore) {
  return keyAuthentication(
    access,
    (header) => {
      const encoded = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)?.[1];
      if (!encoded) return undefined;
      const credentials = Buffer.from(encoded, 'base64').toString('utf8');
      const colon = credentials.indexOf(':');
      return colon < 0 ? undefined : credentials.slice(colon + 1);
    },
    'A valid API key is required as the password of HTTP Basic authentication.',
  );
}

function keyAuthentication(
  access: AccessStore,
  keyOf: (header: string) => string | undefined,
  refusal: string,
) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const key = keyOf(c.req.header('authorization') ?? '');
    const principal = key ? await findApiKey(access, key) : null;
    if (!principal) return problemResponse(401, 'unauthorized', refusal);
    c.set('principal', principal);
    await next();
  });
}
