import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { auditEvents, auditTreeHeads, auditTreeLeaves, auditTreeNodes } from '../db/schema.ts';
import { canonicalEvent } from './hash-chain.ts';
import {
  createTreeBuilder,
  hashRanges,
  inclusionRanges,
  type LeafRange,
  leafHash,
  type NodeId,
  nodesOf,
} from './merkle.ts';
import { type AuditRecord, fromRow } from './postgres-writer.ts';
import type { AuditEventType } from './types.ts';

/**
 * Reads of each app's Merkle log (migration audit_merkle_log): tessera_append_audit writes it in
 * the transaction of the events; these read O(log n) stored subtree hashes per root or proof.
 */
export interface MerkleLogReader {
  /** The app's log size now (0 for an app with no event). */
  size(appId: string): Promise<number>;
  /** The root of the app's first `size` leaves. */
  root(appId: string, size: number): Promise<Buffer>;
  /** Where an event is in its app's log, or null for an event of no log (or none at all). */
  leafOf(eventId: string): Promise<{ appId: string; index: number; hash: Buffer } | null>;
  /**
   * One of the app's events with its leaf and the log's size now, in one read (null for another
   * app's event, or none): what an inclusion proof starts from.
   */
  locate(
    appId: string,
    eventId: string,
  ): Promise<{ event: AuditRecord; index: number; hash: Buffer; logSize: number } | null>;
  /** The hash of each range of the app's leaves, all read in one query (for a proof and its roots). */
  hashes(appId: string, ranges: LeafRange[]): Promise<Buffer[]>;
  /** RFC 9162 §2.1.3 proof of leaf `index` in the app's tree of `size` leaves. */
  inclusionProof(appId: string, index: number, size: number): Promise<Buffer[]>;
}

export function createMerkleLogReader(database: Database): MerkleLogReader {
  async function hashesOf(appId: string, ranges: LeafRange[]): Promise<Buffer[]> {
    const wanted = nodesOf(ranges);
    if (wanted.length === 0) return [];
    // One query: the (level, index) pairs as a JSON set, joined on the primary key.
    const pairs = JSON.stringify(wanted.map((node) => ({ l: node.level, i: node.index })));
    const { rows } = await database.db.execute<{ level: number; node_index: string; hash: Buffer }>(
      sql`select n.level, n.node_index::text as node_index, n.hash
          from jsonb_to_recordset(${pairs}::jsonb) as w(l smallint, i bigint)
          join audit_tree_nodes n on n.app_id = ${appId} and n.level = w.l and n.node_index = w.i`,
    );
    const found = new Map(
      rows.map((row) => [`${row.level}/${row.node_index}`, Buffer.from(row.hash)]),
    );
    return hashRanges(ranges, (node: NodeId) => found.get(`${node.level}/${node.index}`));
  }

  async function size(appId: string): Promise<number> {
    const rows = await database.db
      .select({ size: auditTreeHeads.size })
      .from(auditTreeHeads)
      .where(eq(auditTreeHeads.appId, appId));
    return rows[0]?.size ?? 0;
  }

  return {
    size,
    hashes: hashesOf,
    async locate(appId, eventId) {
      const [row] = await database.db
        .select({
          event: auditEvents,
          index: auditTreeLeaves.leafIndex,
          hash: auditTreeNodes.hash,
          logSize: auditTreeHeads.size,
        })
        .from(auditTreeLeaves)
        .innerJoin(auditEvents, eq(auditEvents.id, auditTreeLeaves.eventId))
        .innerJoin(
          auditTreeNodes,
          and(
            eq(auditTreeNodes.appId, auditTreeLeaves.appId),
            eq(auditTreeNodes.level, 0),
            eq(auditTreeNodes.nodeIndex, auditTreeLeaves.leafIndex),
          ),
        )
        .innerJoin(auditTreeHeads, eq(auditTreeHeads.appId, auditTreeLeaves.appId))
        .where(and(eq(auditTreeLeaves.eventId, eventId), eq(auditTreeLeaves.appId, appId)));
      return row
        ? { event: fromRow(row.event), index: row.index, hash: row.hash, logSize: row.logSize }
        : null;
    },
    async root(appId, treeSize) {
      const [root] = await hashesOf(appId, [{ begin: 0, end: treeSize }]);
      return root!;
    },
    async leafOf(eventId) {
      const { rows } = await database.db.execute<{
        app_id: string;
        leaf_index: string;
        hash: Buffer;
      }>(
        sql`select l.app_id, l.leaf_index::text as leaf_index, n.hash
            from audit_tree_leaves l
            join audit_tree_nodes n
              on n.app_id = l.app_id and n.level = 0 and n.node_index = l.leaf_index
            where l.event_id = ${eventId}`,
      );
      const row = rows[0];
      return row
        ? { appId: row.app_id, index: Number(row.leaf_index), hash: Buffer.from(row.hash) }
        : null;
    },
    inclusionProof: (appId, index, treeSize) => hashesOf(appId, inclusionRanges(index, treeSize)),
  };
}

export type LogRecomputation =
  | { ok: true; size: number; root: Buffer }
  /** `index`: the first leaf that does not match; `eventId` when an event is there. */
  | { ok: false; size: number; index: number; eventId: string | null; problem: string };

// Keeps memory flat however long the log is.
const RECOMPUTE_PAGE = 5_000;

/**
 * Recomputes an app's log from its audit rows alone, in leaf order, up to `size` leaves: each
 * row's leaf hash must be the stored one (a changed row is named), no index may be missing (a
 * deleted row is named by its index), and the root is returned for the caller to compare with a
 * signed checkpoint (which shows a removed tail). O(n) reads: for the full check, not the proofs.
 */
export async function recomputeLog(
  database: Database,
  appId: string,
  size: number,
): Promise<LogRecomputation> {
  const builder = createTreeBuilder();
  let after = -1;
  while (builder.size < size) {
    const rows = await database.db
      .select({ event: auditEvents, index: auditTreeLeaves.leafIndex })
      .from(auditTreeLeaves)
      .leftJoin(auditEvents, eq(auditEvents.id, auditTreeLeaves.eventId))
      .where(and(eq(auditTreeLeaves.appId, appId), gt(auditTreeLeaves.leafIndex, after)))
      .orderBy(asc(auditTreeLeaves.leafIndex))
      .limit(Math.min(RECOMPUTE_PAGE, size - builder.size));
    if (rows.length === 0) break;
    const stored = await storedLeaves(database, appId, after + 1, rows[rows.length - 1]!.index);
    for (const { event, index } of rows) {
      if (index !== builder.size) {
        return fail(builder.size, null, `leaf ${builder.size} has no entry in the log`);
      }
      if (!event || event.appId !== appId) {
        return fail(index, event?.id ?? null, `the event of leaf ${index} is missing`);
      }
      const hash = leafHash(
        Buffer.from(canonicalEvent({ ...event, type: event.type as AuditEventType }), 'utf8'),
      );
      if (!stored.get(index)?.equals(hash)) {
        return fail(index, event.id, `event ${event.id} does not match leaf ${index}`);
      }
      builder.append(hash);
    }
    after = rows[rows.length - 1]!.index;
  }
  if (builder.size < size) {
    return fail(builder.size, null, `the log ends at ${builder.size} leaves, before ${size}`);
  }
  return { ok: true, size, root: builder.root() };

  function fail(index: number, eventId: string | null, problem: string): LogRecomputation {
    return { ok: false, size: builder.size, index, eventId, problem };
  }
}

async function storedLeaves(
  database: Database,
  appId: string,
  from: number,
  to: number,
): Promise<Map<number, Buffer>> {
  const { rows } = await database.db.execute<{ node_index: string; hash: Buffer }>(
    sql`select node_index::text as node_index, hash from audit_tree_nodes
        where app_id = ${appId} and level = 0 and node_index between ${from} and ${to}`,
  );
  return new Map(rows.map((row) => [Number(row.node_index), Buffer.from(row.hash)]));
}
