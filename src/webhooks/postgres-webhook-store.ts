import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { auditEvents, webhookDeliveries, webhookEndpoints, webhookOutbox } from '../db/schema.ts';
import { newId } from '../kernel/ids.ts';
import { type WebhookEventType, webhookPayload } from './event-types.ts';
import type {
  ClaimedDelivery,
  DeliveryRecord,
  WebhookEndpointRecord,
  WebhookStore,
} from './store.ts';

/** Serialises outbox expansion across processes (any fixed number, the same everywhere). */
const EXPAND_LOCK_ID = 7_361_552_046;

type EndpointRow = typeof webhookEndpoints.$inferSelect;

function toEndpoint(row: EndpointRow): WebhookEndpointRecord {
  return { ...row, events: row.events as WebhookEventType[] };
}

const deliveryColumns = {
  id: webhookDeliveries.id,
  endpointId: webhookDeliveries.endpointId,
  messageId: webhookDeliveries.messageId,
  eventType: webhookDeliveries.eventType,
  payload: webhookDeliveries.payload,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  nextAttemptAt: webhookDeliveries.nextAttemptAt,
  lastAttemptAt: webhookDeliveries.lastAttemptAt,
  lastStatus: webhookDeliveries.lastStatus,
  lastError: webhookDeliveries.lastError,
  createdAt: webhookDeliveries.createdAt,
  deliveredAt: webhookDeliveries.deliveredAt,
};

export function createPostgresWebhookStore(database: Database): WebhookStore {
  const { db } = database;
  const ofApp = (appId: string, id: string) =>
    and(eq(webhookEndpoints.appId, appId), eq(webhookEndpoints.id, id));

  return {
    async insertEndpoint(endpoint) {
      await db.insert(webhookEndpoints).values(endpoint);
    },
    async listEndpoints(appId) {
      const rows = await db
        .select()
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.appId, appId))
        .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
      return rows.map(toEndpoint);
    },
    async getEndpoint(appId, id) {
      const [row] = await db.select().from(webhookEndpoints).where(ofApp(appId, id));
      return row ? toEndpoint(row) : null;
    },
    async deleteEndpoint(appId, id) {
      const deleted = await db
        .delete(webhookEndpoints)
        .where(ofApp(appId, id))
        .returning({ id: webhookEndpoints.id });
      return deleted.length > 0;
    },
    async rotateSecret(appId, id, sealed, previousUntil) {
      const [row] = await db
        .update(webhookEndpoints)
        .set({
          previousSecretSealed: sql`${webhookEndpoints.secretSealed}`,
          previousSecretUntil: previousUntil,
          secretSealed: sealed,
        })
        .where(ofApp(appId, id))
        .returning();
      return row ? toEndpoint(row) : null;
    },
    async listDeliveries(appId, endpointId, { status, limit }) {
      const rows = await db
        .select(deliveryColumns)
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.appId, appId),
            eq(webhookDeliveries.endpointId, endpointId),
            status ? eq(webhookDeliveries.status, status) : undefined,
          ),
        )
        .orderBy(desc(webhookDeliveries.seq))
        .limit(limit);
      return rows as DeliveryRecord[];
    },
    async publish(event) {
      await db
        .insert(webhookOutbox)
        .values({
          id: event.messageId,
          appId: event.appId,
          type: event.type,
          data: event.data,
          createdAt: event.at,
        })
        .onConflictDoNothing();
    },
    expandOutbox: (now, limit, eventOf) =>
      database.transaction(async (tx) => {
        const { rows } = await tx.execute<{ locked: boolean }>(
          sql`select pg_try_advisory_xact_lock(${EXPAND_LOCK_ID}) as locked`,
        );
        if (!rows[0]?.locked) return 0;
        const entries = await tx
          .select({ outbox: webhookOutbox, audit: auditEvents })
          .from(webhookOutbox)
          .leftJoin(auditEvents, eq(auditEvents.id, webhookOutbox.auditId))
          .where(or(isNull(webhookOutbox.dueAt), lte(webhookOutbox.dueAt, now)))
          .orderBy(asc(webhookOutbox.seq))
          .limit(limit);
        if (entries.length === 0) return 0;
        const appIds = [...new Set(entries.map((entry) => entry.outbox.appId))];
        const endpoints = await tx
          .select({
            id: webhookEndpoints.id,
            appId: webhookEndpoints.appId,
            events: webhookEndpoints.events,
          })
          .from(webhookEndpoints)
          .where(inArray(webhookEndpoints.appId, appIds))
          .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
        const deliveries: (typeof webhookDeliveries.$inferInsert)[] = [];
        const done: string[] = [];
        for (const { outbox, audit } of entries) {
          const { type, data } = outbox;
          const event = await eventOf(
            {
              id: outbox.id,
              appId: outbox.appId,
              createdAt: outbox.createdAt,
              published: type && data ? { type, data } : null,
              audit,
            },
            now,
          );
          if (event && 'later' in event) {
            await tx
              .update(webhookOutbox)
              .set({ dueAt: event.later })
              .where(eq(webhookOutbox.id, outbox.id));
            continue;
          }
          done.push(outbox.id);
          if (!event) continue;
          const payload = webhookPayload({ ...event, messageId: outbox.id, appId: outbox.appId });
          for (const endpoint of endpoints) {
            if (endpoint.appId !== outbox.appId || !endpoint.events.includes(event.type)) continue;
            deliveries.push({
              id: newId('dlv'),
              endpointId: endpoint.id,
              appId: outbox.appId,
              messageId: outbox.id,
              eventType: event.type,
              payload,
              status: 'pending',
              nextAttemptAt: now,
              createdAt: now,
            });
          }
        }
        // One insert keeps the order of the list in the identity column (seq).
        if (deliveries.length > 0) {
          await tx.insert(webhookDeliveries).values(deliveries).onConflictDoNothing();
        }
        if (done.length > 0) await tx.delete(webhookOutbox).where(inArray(webhookOutbox.id, done));
        return entries.length;
      }),
    claimDue: (now, leaseUntil, limit) =>
      database.transaction(async (tx) => {
        const due = await tx
          .select({ id: webhookDeliveries.id })
          .from(webhookDeliveries)
          .where(
            and(
              eq(webhookDeliveries.status, 'pending'),
              lte(webhookDeliveries.nextAttemptAt, now),
              // The endpoint's oldest pending delivery only: a younger one waits for it to be
              // delivered or given up, even while it is held by another worker.
              sql`not exists (select 1 from ${webhookDeliveries} older
                   where older.endpoint_id = ${webhookDeliveries.endpointId}
                     and older.status = 'pending' and older.seq < ${webhookDeliveries.seq})`,
            ),
          )
          .orderBy(asc(webhookDeliveries.seq))
          .limit(limit)
          .for('update', { skipLocked: true });
        if (due.length === 0) return [];
        const ids = due.map((row) => row.id);
        await tx
          .update(webhookDeliveries)
          .set({ nextAttemptAt: leaseUntil })
          .where(inArray(webhookDeliveries.id, ids));
        const rows = await tx
          .select({
            ...deliveryColumns,
            endpoint: {
              id: webhookEndpoints.id,
              url: webhookEndpoints.url,
              secretSealed: webhookEndpoints.secretSealed,
              previousSecretSealed: webhookEndpoints.previousSecretSealed,
              previousSecretUntil: webhookEndpoints.previousSecretUntil,
            },
          })
          .from(webhookDeliveries)
          .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
          .where(inArray(webhookDeliveries.id, ids))
          .orderBy(asc(webhookDeliveries.seq));
        return rows as ClaimedDelivery[];
      }),
    async recordAttempt(id, outcome) {
      const common = {
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        lastAttemptAt: outcome.at,
        lastStatus: outcome.status,
      };
      const set =
        outcome.kind === 'delivered'
          ? { ...common, status: 'delivered' as const, lastError: null, deliveredAt: outcome.at }
          : outcome.kind === 'retry'
            ? {
                ...common,
                lastError: outcome.error,
                nextAttemptAt: outcome.nextAttemptAt,
              }
            : { ...common, status: 'failed' as const, lastError: outcome.error };
      await db.update(webhookDeliveries).set(set).where(eq(webhookDeliveries.id, id));
    },
  };
}
