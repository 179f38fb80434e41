import { and, asc, eq, gt, lte, max, min } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { auditEvents } from '../db/schema.ts';
import { type ChainVerification, GENESIS_HASH, verifyChain } from './hash-chain.ts';
import { type AuditRecord, fromRow } from './postgres-writer.ts';

// Rows read per query: keeps memory flat however long the trail is.
const VERIFY_PAGE = 5_000;

/** Walks the whole chain in seq order and reports the first event that does not fit. */
export async function verifyAuditChain(database: Database): Promise<ChainVerification> {
  return (await walkChain(database, { throughSeq: null, appId: null })).result;
}

/**
 * The chain's state as one app, or an operator, may see it (GET /v1/audit/verify, `tessera audit
 * verify`). The chain is one for every app, so an app's events are vouched for by every row before
 * them, whoever's: the walk checks them all, up to the app's newest event.
 */
export interface ChainReport {
  ok: boolean;
  /** Intact events counted: the app's own, or every event when no app was given. */
  checked: number;
  /** The hash of the newest intact event counted (null when there is none). */
  head: string | null;
  headEventId: string | null;
  /** The first event that does not fit; null when ok. */
  broken: {
    id: string;
    appId: string;
    /** With an app: its first event after the break, the first one the chain no longer vouches for. */
    firstOwnEventAfter: string | null;
  } | null;
}

/**
 * Checks the chain up to `appId`'s newest event (the whole chain without an app). With an app,
 * a break after its newest event does not concern it and is not looked for.
 */
export async function checkAuditChain(
  database: Database,
  scope: { appId: string | null },
): Promise<ChainReport> {
  const { appId } = scope;
  let throughSeq: number | null = null;
  if (appId !== null) {
    const [newest] = await database.db
      .select({ seq: max(auditEvents.seq) })
      .from(auditEvents)
      .where(eq(auditEvents.appId, appId));
    if (newest?.seq == null) {
      return { ok: true, checked: 0, head: null, headEventId: null, broken: null };
    }
    throughSeq = Number(newest.seq);
  }
  const walk = await walkChain(database, { throughSeq, appId });
  const { result } = walk;
  if (result.ok) {
    return {
      ok: true,
      checked: appId === null ? result.checked : walk.own,
      head: walk.lastOwn?.hash ?? null,
      headEventId: walk.lastOwn?.id ?? null,
      broken: null,
    };
  }
  const [brokenRow] = await database.db
    .select({ seq: auditEvents.seq, appId: auditEvents.appId })
    .from(auditEvents)
    .where(eq(auditEvents.id, result.brokenAt));
  let firstOwnEventAfter: string | null = null;
  if (appId !== null && brokenRow && brokenRow.appId !== appId) {
    const [next] = await database.db
      .select({ seq: min(auditEvents.seq) })
      .from(auditEvents)
      .where(and(eq(auditEvents.appId, appId), gt(auditEvents.seq, brokenRow.seq)));
    if (next?.seq != null) {
      const [row] = await database.db
        .select({ id: auditEvents.id })
        .from(auditEvents)
        .where(eq(auditEvents.seq, Number(next.seq)));
      firstOwnEventAfter = row?.id ?? null;
    }
  }
  return {
    ok: false,
    checked: appId === null ? result.checked : walk.own,
    head: walk.lastOwn?.hash ?? null,
    headEventId: walk.lastOwn?.id ?? null,
    broken: { id: result.brokenAt, appId: brokenRow?.appId ?? '', firstOwnEventAfter },
  };
}

interface Walk {
  result: ChainVerification;
  /** The app's intact events (every event's without an app). */
  own: number;
  /** The newest intact event of the app (of the chain without an app). */
  lastOwn: AuditRecord | null;
}

async function walkChain(
  database: Database,
  options: { throughSeq: number | null; appId: string | null },
): Promise<Walk> {
  let state = { head: GENESIS_HASH, checked: 0 };
  let afterSeq = 0;
  let own = 0;
  let lastOwn: AuditRecord | null = null;
  for (;;) {
    const rows = (
      await database.db
        .select()
        .from(auditEvents)
        .where(
          and(
            gt(auditEvents.seq, afterSeq),
            options.throughSeq === null ? undefined : lte(auditEvents.seq, options.throughSeq),
          ),
        )
        .orderBy(asc(auditEvents.seq))
        .limit(VERIFY_PAGE)
    ).map(fromRow);
    const result = verifyChain(rows, state);
    // The rows found intact are the first (result.checked - state.checked) of the page.
    for (const row of rows.slice(0, result.checked - state.checked)) {
      if (options.appId === null || row.appId === options.appId) {
        own += 1;
        lastOwn = row;
      }
    }
    if (!result.ok || rows.length < VERIFY_PAGE) return { result, own, lastOwn };
    state = { head: result.head, checked: result.checked };
    afterSeq = rows[rows.length - 1]!.seq;
  }
}

/** Checks the chain for an app or an operator (see checkAuditChain). */
export interface AuditChainChecker {
  check(scope: { appId: string | null }): Promise<ChainReport>;
}

/**
 * One walk at a time in this process: a walk reads the whole chain, so requests made together
 * take their turn instead of each reading it at once.
 */
export function createChainChecker(database: Database): AuditChainChecker {
  let turn: Promise<unknown> = Promise.resolve();
  return {
    check(scope) {
      const report = turn.then(() => checkAuditChain(database, scope));
      turn = report.catch(() => {});
      return report;
    },
  };
}
