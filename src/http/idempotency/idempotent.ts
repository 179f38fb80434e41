import type { Context } from 'hono';
import { RefusedError } from '../../kernel/errors.ts';
import type { StoreChoice } from '../../kernel/store-choice.ts';
import type { AppEnv } from '../app-env.ts';
import {
  fingerprintRequest,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  validateIdempotencyKey,
  withIdempotency,
} from './idempotency.ts';
import { createMemoryIdempotencyStore } from './memory-idempotency-store.ts';
import { createRedisIdempotencyStore } from './redis-idempotency-store.ts';
import type { IdempotencyStore } from './store.ts';

export interface IdempotencyDeps {
  idempotency: IdempotencyStore;
  fingerprintKey: Buffer;
}

/**
 * Runs `run` under the request's `Idempotency-Key`, if any, and returns its (possibly replayed)
 * result. `Idempotency-Key` on a POST that sends (api.md, Conventions): the same key and body within 24 h
 * answer the first response and send nothing; the same key with another body is a 422.
 */
export async function runIdempotently<T>(
  c: Context<AppEnv>,
  deps: IdempotencyDeps,
  body: unknown,
  run: () => Promise<T>,
): Promise<T> {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return run();
  if (!validateIdempotencyKey(key)) {
    throw new RefusedError(
      'invalid_request',
      'Idempotency-Key must be 1-255 printable ASCII characters.',
    );
  }
  const appId = c.get('principal').app.id;
  const fingerprint = fingerprintRequest(deps.fingerprintKey, {
    method: c.req.method,
    path: c.req.path,
    body,
  });
  try {
    // Only successes come back from `run` (refusals throw), so a replay is always the success.
    const result = await withIdempotency(
      deps.idempotency,
      { appId, key, fingerprint },
      async () => ({
        status: 200,
        body: await run(),
      }),
    );
    if (result.replayed) c.header('idempotent-replayed', 'true');
    return result.body as T;
  } catch (error) {
    if (error instanceof IdempotencyKeyReusedError) {
      throw new RefusedError(
        'idempotency_key_reused',
        'This Idempotency-Key was used with another request body.',
      );
    }
    if (error instanceof IdempotencyInProgressError) {
      throw new RefusedError(
        'idempotency_in_progress',
        'A request with this Idempotency-Key is still running.',
      );
    }
    throw error;
  }
}

/** Idempotency-Key records on Redis when there is one, else in process. */
export function openIdempotencyStore(stores: StoreChoice): IdempotencyStore {
  return stores(
    (redis, keyPrefix) => createRedisIdempotencyStore({ redis, keyPrefix }),
    () => createMemoryIdempotencyStore(),
  );
}
