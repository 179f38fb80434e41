export type { WebhooksDeps } from './deps.ts';
export type { EgressPolicy } from './egress-policy.ts';
export { webhookEndpoints } from './endpoints/all.ts';
export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './event-types.ts';
export type { PublishEvent, WebhooksInfra, WebhooksModule } from './wire.ts';
export { wire } from './wire.ts';
