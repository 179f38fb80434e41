import type { SmsRoute } from '../services/ports.ts';
import type { DevOutbox } from './dev-outbox.ts';

/**
 * The development SMS route: it stands in for the phone, so it prints the message (the only place
 * a code is ever printed) and feeds the dev outbox when there is one.
 */
export function createConsoleRoute(options: {
  print: (line: string) => void;
  outbox: DevOutbox | null;
  now?: () => Date;
}): SmsRoute {
  const now = options.now ?? (() => new Date());
  return {
    name: 'console',
    async send(sms) {
      options.print(`[console SMS] to ${sms.to} (${sms.reference})\n${sms.text}\n`);
      options.outbox?.add({
        appId: sms.appId,
        to: sms.to,
        text: sms.text,
        route: 'console',
        sentAt: now(),
      });
      return { route: 'console', providerMessageId: null };
    },
  };
}
