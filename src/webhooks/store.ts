import type { WebhookEvent, WebhookEventType } from './event-types.ts';

export interface WebhookEndpointRecord {
  id: string;
  appId: string;
  url: string;
  description: string | null;
  events: WebhookEventType[];
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretUntil: Date | null;
  createdAt: Date;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One row of the delivery log. */
export interface DeliveryRecord {
  id: string;
  endpointId: string;
  messageId: string;
  eventType: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

/** A delivery a worker holds (until its lease ends), with what it needs to send it. */
export interface ClaimedDelivery extends DeliveryRecord {
  endpoint: Pick<
    WebhookEndpointRecord,
    'id' | 'url' | 'secretSealed' | 'previousSecretSealed' | 'previousSecretUntil'
  >;
}

/** What one attempt came to. */
export type AttemptOutcome =
  | { kind: 'delivered'; at: Date; status: number }
  | { kind: 'retry'; at: Date; status: number | null; error: string | null; nextAttemptAt: Date }
  | { kind: 'failed'; at: Date; status: number | null; error: string | null };

/**
 * What an outbox entry becomes: an event, nothing (null), or a look again later (a verification
 * whose code was resent before it expired).
 */
export type EventOfOutbox = (
  entry: OutboxEntry,
  now: Date,
) => Promise<
  { type: WebhookEventType; data: Record<string, unknown>; at: Date } | { later: Date } | null
>;

/** An outbox row with its audit row, when it has one. */
export interface OutboxEntry {
  id: string;
  appId: string;
  createdAt: Date;
  published: { type: string; data: Record<string, unknown> } | null;
  audit: {
    id: string;
    type: string;
    verificationId: string | null;
    purpose: string | null;
    phoneMasked: string | null;
    outcome: string;
    reason: string | null;
    detail: Record<string, unknown>;
    createdAt: Date;
  } | null;
}

export interface WebhookStore {
  insertEndpoint(endpoint: WebhookEndpointRecord): Promise<void>;
  listEndpoints(appId: string): Promise<WebhookEndpointRecord[]>;
  getEndpoint(appId: string, id: string): Promise<WebhookEndpointRecord | null>;
  /** Deletes it and its delivery log; false when the app has no such endpoint. */
  deleteEndpoint(appId: string, id: string): Promise<boolean>;
  /** Replaces the secret, keeping the current one as the previous until `previousUntil`. */
  rotateSecret(
    appId: string,
    id: string,
    sealed: string,
    previousUntil: Date,
  ): Promise<WebhookEndpointRecord | null>;
  /** The endpoint's delivery log, newest first. */
  listDeliveries(
    appId: string,
    endpointId: string,
    options: { status?: DeliveryStatus; limit: number },
  ): Promise<DeliveryRecord[]>;
  /** Queues an event that has no audit row (the outbox, like the audit trigger does). */
  publish(event: WebhookEvent): Promise<void>;
  /**
   * Turns due outbox entries into one delivery per subscribed endpoint, oldest first, in one
   * transaction, one worker at a time (so deliveries are numbered in the order of the events).
   * Returns how many entries it took.
   */
  expandOutbox(now: Date, limit: number, eventOf: EventOfOutbox): Promise<number>;
  /**
   * Takes up to `limit` due deliveries, at most one per endpoint and only its oldest pending one
   * (per-endpoint order), leasing each until `leaseUntil`.
   */
  claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]>;
  recordAttempt(id: string, outcome: AttemptOutcome): Promise<void>;
}
