/**
 * One SMS provider behind a route (SMPP, Kannel, Twilio, a generic HTTP API, the console).
 * A provider only sends and reports; retries, failover, timeouts and the breaker belong to the
 * priority route in front of it.
 */
export interface ProviderMessage {
  /** The app the message is for (the console provider shows each app its own messages only). */
  appId: string;
  /** E.164. */
  to: string;
  text: string;
  /** The sender id the route is configured with (alphanumeric or a number). */
  senderId: string;
  /** The verification id: our own message reference, echoed in receipts where the protocol allows. */
  reference: string;
}

export interface ProviderAccepted {
  /** The provider's id for the message, to match delivery receipts; null when it gives none. */
  providerMessageId: string | null;
}

export interface SmsProvider {
  readonly kind: 'smpp' | 'kannel' | 'twilio' | 'http' | 'console';
  /** Resolves when the provider accepted the message; rejects with ProviderError otherwise. */
  send(message: ProviderMessage, signal: AbortSignal): Promise<ProviderAccepted>;
  /** For session-based providers (SMPP): resolves once the session is up. */
  ready?(): Promise<void>;
  close?(): Promise<void>;
}

/** The provider refused or failed; `reason` is a stable snake_case word for metrics and audit. */
export class ProviderError extends Error {
  constructor(
    readonly reason: 'refused' | 'unavailable' | 'timeout' | 'bad_response',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ProviderError';
  }
}
