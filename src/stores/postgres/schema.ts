import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const apps = pgTable('apps', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  brand: text('brand'),
  webOtpDomain: text('webotp_domain'),
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
