import { canonicalJson } from '../kernel/canonical-json.ts';
import { type AuditEventJson, toAuditEventJson } from './event-json.ts';
import { leafHash } from './merkle.ts';
import type { AuditRecord } from './postgres-writer.ts';

/**
 * One line of an app's ndjson export (README, Offline verification): the event as the API shows
 * it (its columns keyed by column name, and its place in the chain: `seq`, `prev_hash`, `hash`),
 * and, in a proof, its place in its app's Merkle log (`leaf_index`; the export leaves it out, its
 * order is the log's). Everything a verifier needs to recompute the leaf:
 * the leaf data is the canonical JSON of the 13 columns of EVENT_COLUMNS (keys sorted by UTF-16
 * code units, JSON.stringify's escapes and numbers, nulls kept, as RFC 8785 does), the leaf hash
 * SHA-256(0x00 || those UTF-8 bytes). Other members are ignored by the leaf.
 */
export const EVENT_COLUMNS = [
  'app_id',
  'client_ip',
  'created_at',
  'detail',
  'id',
  'outcome',
  'phone_hmac',
  'phone_masked',
  'purpose',
  'reason',
  'type',
  'user_agent',
  'verification_id',
] as const;

export type ExportLine = AuditEventJson & { leaf_index: number };

/** A stored event with its leaf index: the `event` of GET /v1/audit/events/{id}/proof. */
export function exportLine(record: AuditRecord, leafIndex: number): ExportLine {
  return { ...toAuditEventJson(record), leaf_index: leafIndex };
}

/**
 * The leaf data of a parsed export line: the canonical text of its event columns. Throws, naming
 * the member, when a column is missing or of the wrong type.
 */
export function leafDataOf(line: Record<string, unknown>): Buffer {
  const columns: Record<string, unknown> = {};
  for (const name of EVENT_COLUMNS) {
    if (!(name in line)) throw new Error(`the line has no "${name}"`);
    const value = line[name];
    const ok =
      name === 'detail'
        ? value !== null && typeof value === 'object' && !Array.isArray(value)
        : typeof value === 'string' ||
          (value === null && !['app_id', 'type', 'outcome', 'id', 'created_at'].includes(name));
    if (!ok) throw new Error(`"${name}" has the wrong type`);
    columns[name] = value;
  }
  return Buffer.from(canonicalJson(columns), 'utf8');
}

/** The RFC 9162 leaf hash of an export line. */
export function leafHashOf(line: Record<string, unknown>): Buffer {
  return leafHash(leafDataOf(line));
}
