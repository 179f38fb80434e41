import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

export const apps = pgTable('apps', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  brand: text('brand'),
  webOtpDomain: text('webotp_domain'),
  // Per-app settings (limits, allowlists...); parsed and validated by the service layer.
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  appId: text('app_id')
    .notNull()
    .references(() => apps.id),
  // Hex digest of the key (see hashVersion); the clear key is shown once at creation, never stored.
  keyHash: text('key_hash').notNull().unique(),
  // 2: HMAC-SHA-256 under SECRET_KEY's api-key-hash key. 1: plain SHA-256, as written before
  // migration 0006 (and by such a version during a rolling upgrade: hence the default), rehashed
  // to 2 on the key's first use.
  hashVersion: smallint('hash_version').notNull().default(1),
  hint: text('hint').notNull(),
  scopes: text('scopes').array().notNull(),
  label: text('label'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/**
 * The tamper-evident audit trail (api.md, Audit). Part of the public contract: security teams
 * read it straight from SQL. Append-only: a trigger (migration audit_append_only) refuses
 * UPDATE, DELETE and TRUNCATE.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: text('id').primaryKey(),
    // The chain order; `hash` links each row to the one before it in seq order.
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull().unique(),
    // No foreign key on purpose: an audit row must outlive the app it is about.
    appId: text('app_id').notNull(),
    type: text('type').notNull(),
    verificationId: text('verification_id'),
    purpose: text('purpose'),
    phoneMasked: text('phone_masked'),
    phoneHmac: text('phone_hmac'),
    clientIp: text('client_ip'),
    userAgent: text('user_agent'),
    outcome: text('outcome').notNull(),
    reason: text('reason'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull().unique(),
  },
  (table) => [
    index('audit_events_app_created_idx').on(table.appId, table.createdAt),
    index('audit_events_app_type_created_idx').on(table.appId, table.type, table.createdAt),
    // The audit search reads pages in seq order (src/audit/postgres-audit-search.ts): each
    // filter's index ends in seq, so a page is one index range, newest or oldest first.
    index('audit_events_app_seq_idx').on(table.appId, table.seq),
    index('audit_events_app_phone_seq_idx').on(table.appId, table.phoneHmac, table.seq),
    index('audit_events_app_verification_seq_idx').on(table.appId, table.verificationId, table.seq),
    index('audit_events_app_type_seq_idx').on(table.appId, table.type, table.seq),
    // tessera_inet (same migration) is the address as inet, or null for text that is not one.
    index('audit_events_app_ip_seq_idx').on(
      table.appId,
      sql`"public"."tessera_inet"("client_ip")`,
      table.seq,
    ),
  ],
);

/**
 * Hourly counts of the audit trail's SMS outcomes, per app and dimension (GET /v1/audit/stats):
 * a 90-day figure sums about 2,000 hours of a few rows each instead of reading every event. Each
 * counted event adds to one row per dimension (country, purpose, route), not to a row per
 * combination of them, which would grow with their product. Filled only by a trigger on
 * audit_events, in the transaction that appends the events (migration audit_stats_hourly); an
 * unknown key is '' (a key column cannot be NULL).
 */
export const auditStatsHourly = pgTable(
  'audit_stats_hourly',
  {
    appId: text('app_id').notNull(),
    /** country, purpose or route. */
    dimension: text('dimension').notNull(),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    key: text('key').notNull(),
    /** sent, delivered, failed, approved or refused. */
    metric: text('metric').notNull(),
    reason: text('reason').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (table) => [
    primaryKey({
      columns: [table.appId, table.dimension, table.hour, table.key, table.metric, table.reason],
    }),
  ],
);

/**
 * TOTP factors (RFC 6238) of an app's end users. The shared secret rests only AES-256-GCM sealed
 * with the factor id as associated data, and is erased when the factor is deleted.
 */
export const totpFactors = pgTable(
  'totp_factors',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id),
    userRef: text('user_ref').notNull(),
    label: text('label').notNull(),
    issuer: text('issuer').notNull(),
    algorithm: text('algorithm').$type<'sha1' | 'sha256'>().notNull(),
    digits: integer('digits').$type<6 | 8>().notNull(),
    period: integer('period').notNull(),
    // base64url(iv || tag || ciphertext); null once the factor is deleted.
    secretSealed: text('secret_sealed'),
    status: text('status').$type<'unverified' | 'verified'>().notNull(),
    // The last time step accepted (RFC 6238 §5.2): a step at or below it is never accepted again.
    lastUsedStep: bigint('last_used_step', { mode: 'number' }),
    // Consecutive failed attempts (NIST SP 800-63B 5.2.2: at most 100); a success clears it.
    failedAttempts: integer('failed_attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (table) => [index('totp_factors_app_user_idx').on(table.appId, table.userRef)],
);

/** One-time recovery codes of a factor, as peppered argon2id hashes only. */
export const totpRecoveryCodes = pgTable(
  'totp_recovery_codes',
  {
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity().primaryKey(),
    factorId: text('factor_id')
      .notNull()
      .references(() => totpFactors.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (table) => [uniqueIndex('totp_recovery_codes_hash_idx').on(table.codeHash)],
);

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  // node-postgres returns a Buffer, PGlite a Uint8Array.
  fromDriver: (value) => Buffer.from(value),
});

/**
 * Each app's Merkle log over its audit events (RFC 9162 §2.1): the hash of every complete subtree,
 * written once by tessera_append_audit in the transaction of the events (migration
 * audit_merkle_log). Node (level, node_index) covers leaves [node_index·2^level,
 * (node_index+1)·2^level): level 0 holds the leaf hashes. A root or a proof reads O(log n) of them.
 */
export const auditTreeNodes = pgTable(
  'audit_tree_nodes',
  {
    appId: text('app_id').notNull(),
    level: smallint('level').notNull(),
    nodeIndex: bigint('node_index', { mode: 'number' }).notNull(),
    hash: bytea('hash').notNull(),
  },
  (table) => [primaryKey({ columns: [table.appId, table.level, table.nodeIndex] })],
);

/** Each event's place in its app's log (from 0): the leaf an inclusion proof is about. */
export const auditTreeLeaves = pgTable(
  'audit_tree_leaves',
  {
    eventId: text('event_id').primaryKey(),
    appId: text('app_id').notNull(),
    leafIndex: bigint('leaf_index', { mode: 'number' }).notNull(),
  },
  (table) => [uniqueIndex('audit_tree_leaves_app_index_idx').on(table.appId, table.leafIndex)],
);

/**
 * Each app's log size and frontier (the hashes of the complete subtrees it splits into, by level),
 * so an append reads one row. Derived from the nodes, which are the log.
 */
export const auditTreeHeads = pgTable('audit_tree_heads', {
  appId: text('app_id').primaryKey(),
  size: bigint('size', { mode: 'number' }).notNull(),
  frontier: bytea('frontier').array().notNull(),
});

/** Signed checkpoints (C2SP tlog-checkpoint) of each app's log, append-only. */
export const auditCheckpoints = pgTable(
  'audit_checkpoints',
  {
    appId: text('app_id').notNull(),
    treeSize: bigint('tree_size', { mode: 'number' }).notNull(),
    rootHash: bytea('root_hash').notNull(),
    // The whole signed note, byte for byte as served.
    note: text('note').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.appId, table.treeSize] })],
);

/**
 * Leads of an app (README, Leads): a person who filled a form and whose number a code verifies.
 * The number rests as its per-app HMAC (joins), its mask (display) and an AES-GCM copy bound to
 * the lead id (`phone_sealed`), never in clear. `last_contact_at` and `consent_withdrawn_at` are
 * what a retention policy counts from.
 */
export const leads = pgTable(
  'leads',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id),
    // pending_verification | verified | unverified; a pending lead past its verification's expiry
    // reads as unverified without being rewritten (leads/lead.ts).
    status: text('status').$type<'pending_verification' | 'verified' | 'unverified'>().notNull(),
    phoneHmac: text('phone_hmac').notNull(),
    phoneMasked: text('phone_masked').notNull(),
    phoneSealed: text('phone_sealed').notNull(),
    country: text('country').notNull(),
    source: text('source'),
    form: text('form'),
    leadRef: text('lead_ref'),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    clientIp: text('client_ip'),
    userAgent: text('user_agent'),
    // The marketing consent the form asked for, until the code confirms it (then a consent record).
    consentRequest: jsonb('consent_request').$type<{
      text: string;
      version: string;
      reOptIn: boolean;
    } | null>(),
    verificationId: text('verification_id'),
    verificationExpiresAt: timestamp('verification_expires_at', { withTimezone: true }),
    // An earlier verified lead of the same number this one links to instead of sending a code.
    linkedLeadId: text('linked_lead_id'),
    sends: integer('sends').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    firstSentAt: timestamp('first_sent_at', { withTimezone: true }),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    unverifiedAt: timestamp('unverified_at', { withTimezone: true }),
    unverifiedReason: text('unverified_reason'),
    // The latest qualification, kept beside its history (lead_qualifications) for lists and exports.
    qualification: jsonb('qualification').$type<Record<string, unknown> | null>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastContactAt: timestamp('last_contact_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('leads_app_created_idx').on(table.appId, table.createdAt, table.id),
    index('leads_app_phone_idx').on(table.appId, table.phoneHmac),
    uniqueIndex('leads_verification_idx').on(table.verificationId),
  ],
);

/** Every qualification a lead was given, oldest first: appended, never rewritten. */
export const leadQualifications = pgTable(
  'lead_qualifications',
  {
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity().primaryKey(),
    leadId: text('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    stage: text('stage').notNull(),
    bant: jsonb('bant').$type<Record<string, string | null>>().notNull().default({}),
    score: integer('score'),
    note: text('note'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('lead_qualifications_lead_idx').on(table.leadId, table.id)],
);

/**
 * Proof of SMS marketing consent (README, Consent): who (the number's per-app HMAC and mask, the
 * lead), when, the exact text shown and its SHA-256, its version, how (a web form confirmed by an
 * SMS code, an API call, an SMS reply), from where (IP, user agent). Append-only like audit_events:
 * a trigger refuses UPDATE, DELETE and TRUNCATE; a withdrawal is a new row.
 */
export const consentRecords = pgTable(
  'consent_records',
  {
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity().primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id),
    phoneHmac: text('phone_hmac').notNull(),
    phoneMasked: text('phone_masked').notNull(),
    // No foreign key: the proof outlives the lead it came from.
    leadId: text('lead_id'),
    // granted | withdrawn | blocked (asked for a number on the opposition list, not given).
    action: text('action').$type<'granted' | 'withdrawn' | 'blocked'>().notNull(),
    // web_form_sms_code | api | sms_reply
    method: text('method').notNull(),
    text: text('text'),
    textSha256: text('text_sha256'),
    version: text('version'),
    verificationId: text('verification_id'),
    clientIp: text('client_ip'),
    userAgent: text('user_agent'),
    // The SMS route a STOP came in on.
    route: text('route'),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('consent_records_app_phone_idx').on(table.appId, table.phoneHmac, table.id)],
);

/**
 * Numbers that withdrew consent, per app, as HMACs only: a later request to consent for them is
 * recorded as `blocked` until the person opts in again explicitly (README, Consent).
 */
export const consentOppositions = pgTable(
  'consent_oppositions',
  {
    appId: text('app_id')
      .notNull()
      .references(() => apps.id),
    phoneHmac: text('phone_hmac').notNull(),
    since: timestamp('since', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.appId, table.phoneHmac] })],
);

/**
 * Signatures (README, Signatures): one code per signer per document. The signer's number rests as
 * its per-app HMAC and mask only. A signed row is frozen: a trigger refuses UPDATE and DELETE of it
 * (and TRUNCATE of the table), whoever runs the statement.
 */
export const signatures = pgTable(
  'signatures',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id),
    // pending | signed | canceled | failed; a pending one past its code's expiry reads as expired.
    status: text('status').$type<'pending' | 'signed' | 'canceled' | 'failed'>().notNull(),
    signerRef: text('signer_ref').notNull(),
    signerName: text('signer_name').notNull(),
    phoneHmac: text('phone_hmac').notNull(),
    phoneMasked: text('phone_masked').notNull(),
    country: text('country').notNull(),
    documentId: text('document_id').notNull(),
    documentTitle: text('document_title').notNull(),
    documentSha256: text('document_sha256').notNull(),
    consentText: text('consent_text').notNull(),
    consentSha256: text('consent_sha256').notNull(),
    locale: text('locale').notNull(),
    verificationId: text('verification_id').notNull(),
    verificationExpiresAt: timestamp('verification_expires_at', { withTimezone: true }).notNull(),
    clientIp: text('client_ip'),
    userAgent: text('user_agent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endedReason: text('ended_reason'),
  },
  (table) => [
    uniqueIndex('signatures_verification_idx').on(table.verificationId),
    index('signatures_app_signer_doc_idx').on(table.appId, table.signerRef, table.documentSha256),
    index('signatures_app_phone_idx').on(table.appId, table.phoneHmac),
  ],
);

/**
 * The evidence file of a signed signature, frozen when it is first built (README, Signatures):
 * its exact bytes and their SHA-256, which the confirmation answered. Append-only by trigger.
 */
export const signatureEvidence = pgTable('signature_evidence', {
  signatureId: text('signature_id')
    .primaryKey()
    .references(() => signatures.id),
  appId: text('app_id').notNull(),
  body: text('body').notNull(),
  sha256: text('sha256').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

/**
 * Where an app's events are delivered (README, Events (webhooks)). The signing secret rests only
 * AES-256-GCM sealed with the endpoint id as associated data; after a rotation the previous one
 * still signs beside the new one until `previous_secret_until`.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id),
    url: text('url').notNull(),
    description: text('description'),
    events: text('events').array().notNull(),
    secretSealed: text('secret_sealed').notNull(),
    previousSecretSealed: text('previous_secret_sealed'),
    previousSecretUntil: timestamp('previous_secret_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('webhook_endpoints_app_idx').on(table.appId, table.createdAt)],
);

/**
 * Events waiting to be turned into deliveries: filled by a trigger on audit_events in the
 * transaction that appends the event (migration webhooks), or by `publish` for events that have
 * no audit row of their own. `audit_id` points at the event's audit row; `type` and `data` are
 * set only for published events.
 */
export const webhookOutbox = pgTable(
  'webhook_outbox',
  {
    id: text('id').primaryKey(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
    appId: text('app_id').notNull(),
    auditId: text('audit_id'),
    type: text('type'),
    data: jsonb('data').$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    /** When the entry is looked at: null at once, or a verification's expiry (see the trigger). */
    dueAt: timestamp('due_at', { withTimezone: true }),
  },
  (table) => [index('webhook_outbox_due_idx').on(table.dueAt, table.seq)],
);

/**
 * The durable delivery queue and its log: one row per event and endpoint, attempted in `seq`
 * order per endpoint. `next_attempt_at` is also the lease of a worker that claimed the row.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    appId: text('app_id').notNull(),
    /** The Standard Webhooks `webhook-id`: the same for every endpoint and every attempt. */
    messageId: text('message_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The exact bytes signed and sent, so every attempt sends the same body. */
    payload: text('payload').notNull(),
    status: text('status').$type<'pending' | 'delivered' | 'failed'>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('webhook_deliveries_message_endpoint_idx').on(table.messageId, table.endpointId),
    index('webhook_deliveries_endpoint_seq_idx').on(table.endpointId, table.seq),
    index('webhook_deliveries_due_idx')
      .on(table.nextAttemptAt)
      .where(sql`${table.status} = 'pending'`),
  ],
);

/**
 * One random key per person and app (README, Subjects and erasure): the HMAC every row about a
 * number carries is computed under it. `lookup` is the number's HMAC under the app's key, only to
 * find the row; `key_sealed` the key wrapped under SECRET_KEY (AES-GCM bound to app and lookup).
 * Erasure deletes the row, and every HMAC made with the key then points at nobody.
 */
export const subjectKeys = pgTable(
  'subject_keys',
  {
    appId: text('app_id').notNull(),
    lookup: text('lookup').notNull(),
    keySealed: text('key_sealed').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.appId, table.lookup] })],
);
