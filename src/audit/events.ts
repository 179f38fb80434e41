import type { AppRecord } from '../access/index.ts';
import type { VerificationIdentity } from '../verification/index.ts';
import type { AuditEvent, AuditEventType } from './types.ts';

/** Who acted: the app (by its key) on behalf of an end user at this address. */
export interface Actor {
  app: AppRecord;
  client: { ip: string | null; userAgent: string | null };
}

/** What an audit row needs of who acted: the app's id and the end user's address. */
export interface AuditActor {
  app: Pick<AppRecord, 'id'>;
  client: { ip: string | null; userAgent: string | null };
}

/**
 * Tessera itself, writing for an app what a provider reported (a delivery receipt, a reply from
 * the phone): the app the message belongs to, and no end user, so no client address.
 */
export function systemActor(appId: string): AuditActor {
  return { app: { id: appId }, client: { ip: null, userAgent: null } };
}

export interface AuditFields {
  verification?: VerificationIdentity;
  /** When there is no verification yet (a refused send): the masked number and its HMAC only. */
  phone?: { masked: string; hmac: string };
  purpose?: string;
  outcome: string;
  reason?: string | null;
  detail?: Record<string, unknown>;
}

/** One audit row. By construction it can only carry masked and HMAC'd numbers, never a code. */
export function auditEvent(
  actor: AuditActor,
  type: AuditEventType,
  fields: AuditFields,
  now: number,
): AuditEvent {
  const v = fields.verification;
  return {
    appId: actor.app.id,
    type,
    verificationId: v?.id ?? null,
    purpose: v?.purpose ?? fields.purpose ?? null,
    phoneMasked: v?.phoneMasked ?? fields.phone?.masked ?? null,
    phoneHmac: v?.phoneHmac ?? fields.phone?.hmac ?? null,
    clientIp: actor.client.ip,
    userAgent: actor.client.userAgent,
    outcome: fields.outcome,
    reason: fields.reason ?? null,
    detail: fields.detail ?? {},
    createdAt: new Date(now),
  };
}

/** A row for an operator's action (keys, app settings): no end user, no number, no verification. */
export function operatorEvent(
  appId: string,
  type: Extract<AuditEventType, 'key.created' | 'key.revoked' | 'app.updated'>,
  detail: Record<string, unknown>,
  at: Date,
): AuditEvent {
  return {
    appId,
    type,
    verificationId: null,
    purpose: null,
    phoneMasked: null,
    phoneHmac: null,
    clientIp: null,
    userAgent: null,
    outcome: 'ok',
    reason: null,
    detail,
    createdAt: at,
  };
}
