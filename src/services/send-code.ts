import { renderCodeMessage } from '../domain/code-message.ts';
import type { VerificationRecord } from '../domain/verification.ts';
import { RefusedError } from './errors.ts';
import type { AppRecord } from './ports.ts';
import type { VerificationDeps } from './verification-deps.ts';

/**
 * Renders and sends the code SMS for a stored verification and records how it left.
 * Shared by start and resend so both send the same message the same way.
 */
export async function sendCode(
  deps: VerificationDeps,
  app: AppRecord,
  record: VerificationRecord,
  to: string,
  code: string,
): Promise<VerificationRecord> {
  const { text } = renderCodeMessage({
    brand: app.brand ?? deps.defaults.brand,
    code,
    ttlSeconds: Math.floor(record.ttlMs / 1000),
    locale: record.locale,
    webOtpDomain: app.webOtpDomain ?? deps.defaults.webOtpDomain ?? null,
  });
  try {
    const sent = await deps.sms.send({ appId: app.id, to, text, reference: record.id });
    deps.metrics.smsSent(sent.route, 'sent');
    await deps.codes.setDelivery(app.id, record.id, 'sent', sent.route);
    return { ...record, deliveryStatus: 'sent', deliveryRoute: sent.route };
  } catch (error) {
    deps.metrics.smsSent(deps.sms.name, 'failed');
    await deps.codes.setDelivery(app.id, record.id, 'failed', null);
    throw new RefusedError(
      'delivery_unavailable',
      'No SMS route accepted the message; try again later.',
      {},
      { cause: error },
    );
  }
}
