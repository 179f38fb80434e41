import type { VerificationRecord } from '../record.ts';

/**
 * A verification as flat string fields (a Redis hash). Field names are snake_case and part of
 * what operators see when they inspect Redis; no field ever holds a clear code or phone number.
 * The hash also holds a `check:<token>` field per check (see BEGIN_CHECK), which a record ignores.
 */
export function toFields(record: VerificationRecord): Record<string, string> {
  return {
    id: record.id,
    app_id: record.appId,
    purpose: record.purpose,
    channel: record.channel,
    locale: record.locale,
    country: record.country,
    phone_hmac: record.phoneHmac,
    phone_masked: record.phoneMasked,
    phone_sealed: record.phoneSealed,
    code_length: String(record.codeLength),
    ttl_ms: String(record.ttlMs),
    status: record.status,
    code_version: String(record.codeVersion),
    attempts: String(record.attempts),
    max_attempts: String(record.maxAttempts),
    send_count: String(record.sendCount),
    max_sends: String(record.maxSends),
    created_at: String(record.createdAt),
    expires_at: String(record.expiresAt),
    last_sent_at: String(record.lastSentAt),
    approved_at: record.approvedAt === null ? '' : String(record.approvedAt),
    delivery_status: record.deliveryStatus,
    delivery_route: record.deliveryRoute ?? '',
    binding: record.binding ?? '',
    subject: record.subject ?? '',
  };
}

function required(fields: Record<string, string>, name: string): string {
  const value = fields[name];
  if (value === undefined) throw new Error(`verification record is missing field ${name}`);
  return value;
}

export function fromFields(fields: Record<string, string>): VerificationRecord {
  const text = (name: string) => required(fields, name);
  const int = (name: string) => Number.parseInt(required(fields, name), 10);
  const approvedAt = fields.approved_at;
  return {
    id: text('id'),
    appId: text('app_id'),
    purpose: text('purpose') as VerificationRecord['purpose'],
    channel: 'sms',
    locale: text('locale') as VerificationRecord['locale'],
    country: text('country'),
    phoneHmac: text('phone_hmac'),
    phoneMasked: text('phone_masked'),
    phoneSealed: text('phone_sealed'),
    codeLength: int('code_length'),
    ttlMs: int('ttl_ms'),
    status: text('status') as VerificationRecord['status'],
    codeVersion: int('code_version'),
    attempts: int('attempts'),
    maxAttempts: int('max_attempts'),
    sendCount: int('send_count'),
    maxSends: int('max_sends'),
    createdAt: int('created_at'),
    expiresAt: int('expires_at'),
    lastSentAt: int('last_sent_at'),
    approvedAt: approvedAt ? Number.parseInt(approvedAt, 10) : null,
    deliveryStatus: text('delivery_status') as VerificationRecord['deliveryStatus'],
    deliveryRoute: fields.delivery_route || null,
    // Absent from records written before bindings existed: those had none.
    binding: fields.binding || null,
    subject: fields.subject || null,
  };
}

/** Redis answers HGETALL inside Lua as a flat [field, value, ...] list. */
export function fromFlatList(list: string[]): VerificationRecord {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) fields[list[i] as string] = list[i + 1] as string;
  return fromFields(fields);
}
