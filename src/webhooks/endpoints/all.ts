import { createWebhookEndpoint } from './create.ts';
import { listWebhookDeliveriesEndpoint } from './deliveries.ts';
import { deleteWebhookEndpoint, getWebhookEndpoint, listWebhooksEndpoint } from './read.ts';
import { rotateWebhookSecretEndpoint } from './rotate.ts';

/** /v1/webhooks, in the order the OpenAPI document lists them. */
export const webhookEndpoints = [
  createWebhookEndpoint,
  listWebhooksEndpoint,
  getWebhookEndpoint,
  deleteWebhookEndpoint,
  rotateWebhookSecretEndpoint,
  listWebhookDeliveriesEndpoint,
];
