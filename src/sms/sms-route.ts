export interface OutgoingSms {
  /** The app the message is sent for (the dev outbox shows each app its own messages only). */
  appId: string;
  /** E.164; only SMS routes ever see the clear number. */
  to: string;
  /** ISO 3166 alpha-2 of `to`: routes serve a list of countries. */
  country: string;
  text: string;
  /** The verification id, so receipts can be matched and providers can deduplicate. */
  reference: string;
}

export interface SmsSendResult {
  route: string;
  providerMessageId: string | null;
}

export interface SmsRoute {
  readonly name: string;
  /** Resolves once the provider accepted the message; rejects when it did not. */
  send(sms: OutgoingSms): Promise<SmsSendResult>;
}
