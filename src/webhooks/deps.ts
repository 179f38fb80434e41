import type { Clock } from '../kernel/clock.ts';
import type { Resolver } from './egress.ts';
import type { EgressPolicy } from './egress-policy.ts';
import type { WebhookStore } from './store.ts';

/** What the webhook verbs and endpoints are given; built once by wire(). */
export interface WebhooksDeps {
  clock: Clock;
  store: WebhookStore;
  policy: EgressPolicy;
  resolve: Resolver;
  /** Seals endpoint secrets at rest (webhookSecretKey). */
  secretKey: Buffer;
}
