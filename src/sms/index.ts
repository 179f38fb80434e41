export type { BreakerState } from './circuit-breaker.ts';
export type { DevOutbox } from './dev-outbox.ts';
export { devOutboxEndpoint } from './dev-outbox-endpoint.ts';
export type { SmsRouteMetrics } from './priority-route.ts';
export type { DeliveryIndex } from './receipts/delivery-index.ts';
export type { ReceiptDeps } from './receipts/endpoints.ts';
export { receiptEndpoints } from './receipts/endpoints.ts';
export type {
  InboundReplies,
  InboundReply,
  InboundReplyListener,
} from './receipts/inbound-replies.ts';
export type { SegmentCount } from './segments.ts';
export { countSegments } from './segments.ts';
export type { SmsRoute } from './sms-route.ts';
export type { SmsRouteConfig } from './sms-route-config.ts';
export { parseSmsRoutes } from './sms-route-config.ts';
export type { SmsInfra, SmsModule } from './wire.ts';
export { wire } from './wire.ts';
