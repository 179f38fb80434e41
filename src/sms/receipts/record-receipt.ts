import type { AuditTrail } from '../../audit/index.ts';
import { auditEvent, systemActor } from '../../audit/index.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ServiceMetrics } from '../../telemetry/service-metrics.ts';
import type { CodeStore } from '../../verification/index.ts';
import type { DeliveryIndex } from './delivery-index.ts';

export type ReceiptStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';

/**
 * A delivery receipt from a route: the verification's delivery status becomes `delivered` or
 * `undelivered`/`failed`, with an audit row and the send-to-receipt time. Intermediate states
 * (queued, sent) change nothing. A receipt for a message we do not know is acknowledged and ignored.
 */
export async function recordReceipt(
  deps: {
    codes: CodeStore;
    deliveries: DeliveryIndex;
    audit: AuditTrail;
    clock: Clock;
    metrics: ServiceMetrics;
  },
  input: {
    route: string;
    providerMessageId: string;
    status: ReceiptStatus;
    errorCode?: string | null;
  },
): Promise<{ matched: boolean }> {
  if (input.status === 'queued' || input.status === 'sent') return { matched: false };
  const entry = await deps.deliveries.lookup(input.route, input.providerMessageId);
  if (!entry) return { matched: false };
  const record = await deps.codes.get(entry.appId, entry.verificationId);
  if (!record) return { matched: false };
  const now = deps.clock.now();
  const delivered = input.status === 'delivered';
  await deps.codes.setDelivery(
    entry.appId,
    entry.verificationId,
    delivered ? 'delivered' : 'failed',
    input.route,
  );
  deps.metrics.receipt(input.route, input.status, Math.max(0, now - entry.sentAt) / 1000);
  await deps.audit.commit([
    auditEvent(
      systemActor(entry.appId),
      delivered ? 'sms.delivered' : 'sms.undelivered',
      {
        verification: record,
        outcome: delivered ? 'ok' : 'failed',
        reason: delivered ? null : (input.errorCode ?? input.status),
        detail: {
          route: input.route,
          provider_message_id: input.providerMessageId,
          status: input.status,
        },
      },
      now,
    ),
  ]);
  return { matched: true };
}
