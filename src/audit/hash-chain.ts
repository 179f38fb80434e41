import { createHash } from 'node:crypto';
import { canonicalJson } from '../kernel/canonical-json.ts';
import type { AuditEvent } from './types.ts';

/** The `prev_hash` of the first event of the chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** An audit row as stored: the event, its id and its place in the chain. */
export interface ChainedAuditEvent extends AuditEvent {
  id: string;
  prevHash: string;
  hash: string;
}

export type ChainVerification =
  | { ok: true; checked: number; head: string }
  /** `checked`: how many events before `brokenAt` were found intact. */
  | { ok: false; checked: number; brokenAt: string };

/**
 * The text the chain hashes for one event: every column except seq, prev_hash and hash, keyed
 * by column name, so anyone can recompute it from a plain `select * from audit_events`.
 * Objects have their keys sorted by UTF-16 code units and numbers use ECMAScript formatting, as
 * in the JSON Canonicalization Scheme (RFC 8785), so the text does not depend on key order.
 * Nulls are kept: a field that became null changes the hash. PostgreSQL computes the same text
 * when it appends a row (migration 0007_audit_append_from_columns; tessera_audit_canonical in
 * SQL): a change here is a change there, in a new migration, and written rows keep their hashes.
 */
export function canonicalEvent(event: AuditEvent & { id: string }): string {
  return canonicalJson({
    ...eventColumns(event),
    // The JSON round trip gives exactly what jsonb stores and reads back (no undefined members,
    // Dates as strings), so the hash computed before the insert matches the row read later.
    detail: toJsonValue(event.detail ?? {}),
  });
}

/**
 * An event keyed by its audit_events column names: what the chain hashes and what the writer
 * stores. `?? null`: a member left undefined by a caller is stored as NULL, so it is hashed as null.
 */
export function eventColumns(event: AuditEvent & { id: string }) {
  return {
    id: event.id,
    app_id: event.appId,
    type: event.type,
    verification_id: event.verificationId ?? null,
    purpose: event.purpose ?? null,
    phone_masked: event.phoneMasked ?? null,
    phone_hmac: event.phoneHmac ?? null,
    client_ip: event.clientIp ?? null,
    user_agent: event.userAgent ?? null,
    outcome: event.outcome,
    reason: event.reason ?? null,
    detail: event.detail,
    // Milliseconds and 'Z'; timestamptz keeps both exactly.
    created_at: event.createdAt.toISOString(),
  };
}

/** `hash = SHA-256(prev_hash || canonical event)` (api.md, Audit), as lowercase hex. */
export function chainHash(prevHash: string, canonical: string): string {
  return createHash('sha256').update(prevHash, 'utf8').update(canonical, 'utf8').digest('hex');
}

/**
 * Checks rows given in seq order: each must point to the hash of the one before it (the first to
 * GENESIS_HASH) and carry the hash of its own content. Reports the first row that does not.
 * Removing the newest rows leaves a valid shorter chain; only a head hash kept elsewhere shows it.
 */
export function verifyChain(
  rows: Iterable<ChainedAuditEvent>,
  /** Where the rows start when a long chain is checked page by page. */
  from: { head: string; checked: number } = { head: GENESIS_HASH, checked: 0 },
): ChainVerification {
  let { head, checked } = from;
  for (const row of rows) {
    if (row.prevHash !== head || chainHash(row.prevHash, canonicalEvent(row)) !== row.hash) {
      return { ok: false, checked, brokenAt: row.id };
    }
    head = row.hash;
    checked += 1;
  }
  return { ok: true, checked, head };
}

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

function toJsonValue(value: unknown): JsonValue {
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}
