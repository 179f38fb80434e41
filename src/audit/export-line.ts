import { canonicalJson } from '../kernel/canonical-json.ts';
import { canonicalEvent } from './hash-chain.ts';
import { leafHash } from './merkle.ts';
import type { AuditRecord } from './postgres-writer.ts';

/**
 * One line of an app's ndjson export (README, Offline verification): a JSON object with the
 * event's columns, keyed by column name, plus its place in the chain (`seq`, `prev_hash`, `hash`)
 * and in its app's Merkle log (`leaf_index`). Everything a verifier needs to recompute the leaf:
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

export type ExportLine = Record<(typeof EVENT_COLUMNS)[number], unknown> & {
  seq: number;
  prev_hash: string;
  hash: string;
  leaf_index: number;
};

/** The export line of a stored event (what GET /v1/audit/export writes, one per line). */
export function exportLine(record: AuditRecord, leafIndex: number): ExportLine {
  const columns = JSON.parse(canonicalEvent(record)) as Record<string, unknown>;
  return {
    ...(columns as Record<(typeof EVENT_COLUMNS)[number], unknown>),
    seq: record.seq,
    prev_hash: record.prevHash,
    hash: record.hash,
    leaf_index: leafIndex,
  };
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
