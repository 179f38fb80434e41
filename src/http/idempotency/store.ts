export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

/**
 * Idempotency-Key records (24 h). `fingerprint` is an HMAC of the request, never the body itself
 * (a request body holds a clear phone number).
 */
export interface IdempotencyStore {
  /** Atomically claims the key for this fingerprint, or tells what happened to it before. */
  claim(appId: string, key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyClaim>;
  /** Stores the response for replays. */
  complete(
    appId: string,
    key: string,
    fingerprint: string,
    response: { status: number; body: unknown },
    ttlMs: number,
  ): Promise<void>;
  /** Forgets a claim whose request was not answered with a success (a refusal, a fault, a 5xx). */
  release(appId: string, key: string): Promise<void>;
}
