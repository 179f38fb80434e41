import { bigint, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

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
  // SHA-256 hex of the key; the clear key is shown once at creation and never stored.
  keyHash: text('key_hash').notNull().unique(),
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
    index('audit_events_app_phone_idx').on(table.appId, table.phoneHmac),
    index('audit_events_app_verification_idx').on(table.appId, table.verificationId),
    index('audit_events_app_type_created_idx').on(table.appId, table.type, table.createdAt),
  ],
);
