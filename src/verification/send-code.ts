import { type Actor, auditEvent } from '../audit/index.ts';
import { parseAppSettings } from '../kernel/app-settings.ts';
import { RefusedError } from '../kernel/errors.ts';
import type { Undo } from '../kernel/undo.ts';
import { countLost } from '../telemetry/lost-write.ts';
import { renderCodeMessage } from './code-message.ts';
import type { VerificationDeps } from './deps.ts';
import type { VerificationRecord } from './record.ts';

/** How long a delivery receipt can still find its verification (carriers may retry for a day). */
const RECEIPT_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Renders and sends the code SMS for a stored verification, records how it left, and audits it.
 * Shared by start and resend so both send the same message the same way. The `sms.*` row is
 * committed before the answer; if Postgres refuses it, it is spooled and committed later instead of
 * failing the request: the SMS cannot be called back. Once a route accepted it, the caller's `undo`
 * is committed: what was spent for the SMS stays spent, and the verification stays, whatever fails
 * after.
 */
export async function sendCode(
  deps: VerificationDeps,
  actor: Actor,
  record: VerificationRecord,
  to: string,
  code: string,
  undo: Undo,
): Promise<VerificationRecord> {
  const { app } = actor;
  const { text, segments } = renderCodeMessage({
    brand: app.brand ?? deps.defaults.brand,
    code,
    ttlSeconds: Math.floor(record.ttlMs / 1000),
    locale: record.locale,
    webOtpDomain: app.webOtpDomain ?? deps.defaults.webOtpDomain ?? null,
    androidAppHash: parseAppSettings(app.settings).sms.androidAppHash,
    subject: record.subject,
  });
  const detail = {
    send_count: record.sendCount,
    encoding: segments.encoding,
    segments: segments.segments,
  };
  let sent: Awaited<ReturnType<typeof deps.sms.send>>;
  try {
    sent = await deps.sms.send({
      appId: app.id,
      to,
      country: record.country,
      text,
      reference: record.id,
    });
  } catch (error) {
    deps.metrics.smsSent(deps.sms.name, 'failed');
    // The row first: a store failure here must not lose the record of a failed send.
    await deps.audit.commitOrSpool([
      auditEvent(
        actor,
        'sms.failed',
        { verification: record, outcome: 'failed', reason: 'route_refused', detail },
        deps.clock.now(),
      ),
    ]);
    await deps.codes
      .setDelivery(app.id, record.id, 'failed', null)
      .catch(countLost(deps.metrics, 'delivery_status'));
    throw new RefusedError(
      'delivery_unavailable',
      'No SMS route accepted the message; try again later.',
      {},
      { cause: error },
    );
  }

  // The SMS has left: the user holds the code, so its verification and the limits it spent are
  // final, and nothing below may turn a sent code into an error for the caller.
  undo.commit();
  deps.metrics.smsSent(sent.route, 'sent');
  // Not awaited: the store applies it before any later command of this process (one connection,
  // in order), and if it is lost the verification only shows its delivery as still queued.
  void deps.codes
    .setDelivery(app.id, record.id, 'sent', sent.route)
    .catch(countLost(deps.metrics, 'delivery_status'));
  const delivered = { ...record, deliveryStatus: 'sent' as const, deliveryRoute: sent.route };
  await Promise.all([
    // So that a delivery receipt (which may come back within milliseconds) finds its verification.
    sent.providerMessageId &&
      deps.deliveries
        .remember(
          sent.route,
          sent.providerMessageId,
          { appId: app.id, verificationId: record.id, sentAt: deps.clock.now() },
          RECEIPT_WINDOW_MS,
        )
        .catch(countLost(deps.metrics, 'receipt_index')),
    deps.audit.commitOrSpool([
      auditEvent(
        actor,
        'sms.sent',
        {
          verification: delivered,
          outcome: 'ok',
          detail: { ...detail, route: sent.route, provider_message_id: sent.providerMessageId },
        },
        deps.clock.now(),
      ),
    ]),
  ]);
  return delivered;
}
