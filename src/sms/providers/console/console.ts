import type { DevOutbox } from '../../dev-outbox.ts';
import type { SmsProvider } from '../../provider.ts';

/**
 * The development provider: it stands in for the phone, so it prints the message (the only place
 * a code is ever printed) and feeds the dev outbox when there is one (never in production).
 */
export function createConsoleProvider(options: {
  routeName: string;
  print: (line: string) => void;
  outbox: DevOutbox | null;
  now?: () => Date;
}): SmsProvider {
  const now = options.now ?? (() => new Date());
  return {
    kind: 'console',
    async send(message) {
      options.print(`[console SMS] to ${message.to} (${message.reference})\n${message.text}\n`);
      options.outbox?.add({
        appId: message.appId,
        to: message.to,
        text: message.text,
        route: options.routeName,
        sentAt: now(),
      });
      return { providerMessageId: null };
    },
  };
}
