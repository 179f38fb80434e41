/** Which verification a provider's message id belongs to, so a delivery receipt finds it. */
export interface DeliveryIndex {
  remember(
    route: string,
    providerMessageId: string,
    entry: { appId: string; verificationId: string; sentAt: number },
    ttlMs: number,
  ): Promise<void>;
  lookup(
    route: string,
    providerMessageId: string,
  ): Promise<{ appId: string; verificationId: string; sentAt: number } | null>;
}
