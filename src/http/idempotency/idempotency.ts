/**
 * Idempotency-Key (api.md, Conventions): the same key with the same request within 24 h answers
 * the first response and runs nothing again; the same key with another request is refused.
 */
import { createHmac } from 'node:crypto';
import { canonicalJson } from '../../kernel/canonical-json.ts';
import type { IdempotencyStore } from './store.ts';

/** How long a key is remembered, claimed or completed. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** The key was first used with another request: the route answers 422 `idempotency_key_reused`. */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'idempotency_key_reused';
  constructor() {
    super('This Idempotency-Key was already used with a different request.');
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** The first request with this key has not finished: the route answers 409 `idempotency_in_progress`. */
export class IdempotencyInProgressError extends Error {
  readonly code = 'idempotency_in_progress';
  constructor() {
    super('A request with this Idempotency-Key is still being processed.');
    this.name = 'IdempotencyInProgressError';
  }
}

const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** 1 to 255 printable ASCII characters. */
export function validateIdempotencyKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/**
 * HMAC-SHA-256 of the method, route path and body, so the stored fingerprint tells whether a
 * retry is the same request without revealing the phone number the body holds.
 */
export function fingerprintRequest(
  hmacKey: Buffer,
  parts: { method: string; path: string; body: unknown },
): string {
  const canonical = canonicalJson({
    method: parts.method.toUpperCase(),
    path: parts.path,
    body: parts.body ?? null,
  });
  // A label of its own: the key may be shared with other HMACs (phone numbers) without any overlap.
  return createHmac('sha256', hmacKey)
    .update('tessera/idempotency/v1\n')
    .update(canonical, 'utf8')
    .digest('hex');
}

export interface IdempotentRequest {
  appId: string;
  key: string;
  fingerprint: string;
  /** IDEMPOTENCY_TTL_MS unless told. */
  ttlMs?: number;
}

export interface IdempotentResponse {
  status: number;
  body: unknown;
  /** True when this is the stored answer to an earlier request and `run` did not run. */
  replayed: boolean;
}

/**
 * Runs `run` at most once per (app, key) while the key is remembered. A 5xx or a throw releases
 * the claim, so a retry after an outage can succeed; anything else is stored for replays.
 */
export async function withIdempotency(
  store: IdempotencyStore,
  { appId, key, fingerprint, ttlMs = IDEMPOTENCY_TTL_MS }: IdempotentRequest,
  run: () => Promise<{ status: number; body: unknown }>,
): Promise<IdempotentResponse> {
  const claim = await store.claim(appId, key, fingerprint, ttlMs);
  if (claim.kind === 'replay') return { status: claim.status, body: claim.body, replayed: true };
  if (claim.kind === 'mismatch') throw new IdempotencyKeyReusedError();
  if (claim.kind === 'in_progress') throw new IdempotencyInProgressError();

  // The request's own outcome matters more than a failed release; an unreleased claim only
  // answers 409 to retries until it expires, it never runs anything twice.
  const releaseQuietly = () => store.release(appId, key).catch(() => undefined);

  let result: { status: number; body: unknown };
  try {
    result = await run();
  } catch (error) {
    await releaseQuietly();
    throw error;
  }
  if (result.status >= 500) {
    await releaseQuietly();
    return { status: result.status, body: result.body, replayed: false };
  }
  try {
    await store.complete(appId, key, fingerprint, result, ttlMs);
  } catch {
    // The work is done (an SMS may be out): answer it truthfully. The claim stays pending, so a
    // retry gets a 409 rather than a second SMS.
  }
  return { status: result.status, body: result.body, replayed: false };
}
