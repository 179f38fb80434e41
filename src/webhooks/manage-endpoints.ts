import { encrypt } from '../kernel/crypto/aead.ts';
import { RefusedError } from '../kernel/errors.ts';
import { newId } from '../kernel/ids.ts';
import type { WebhooksDeps } from './deps.ts';
import { resolveDestination } from './egress.ts';
import type { WebhookEventType } from './event-types.ts';
import { newSigningSecret } from './signing.ts';
import type { DeliveryRecord, DeliveryStatus, WebhookEndpointRecord } from './store.ts';

/** How long the previous secret still signs after a rotation, so receivers can switch over. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

export const webhookNotFound = () =>
  new RefusedError('webhook_not_found', 'No webhook endpoint with this id exists for this app.');

/** An endpoint as its owner sees it: the secret only when it was just made. */
export type EndpointWithSecret = { endpoint: WebhookEndpointRecord; secret: string };

/**
 * Registers an endpoint. Its URL is judged like every delivery will be (README, Events
 * (webhooks)): a URL whose host resolves into a refused range is refused now, not at the first
 * event; the check is repeated before each attempt, since DNS can change.
 */
export async function createEndpoint(
  deps: WebhooksDeps,
  input: { appId: string; url: string; events: WebhookEventType[]; description: string | null },
): Promise<EndpointWithSecret> {
  const destination = await resolveDestination(input.url, deps.policy, deps.resolve);
  if (!destination.ok) {
    throw new RefusedError('webhook_url_refused', `The webhook URL ${destination.reason}.`, {
      field: 'url',
    });
  }
  const id = newId('whk');
  const secret = newSigningSecret();
  const endpoint: WebhookEndpointRecord = {
    id,
    appId: input.appId,
    url: input.url,
    description: input.description,
    events: [...new Set(input.events)],
    secretSealed: encrypt(deps.secretKey, secret, id),
    previousSecretSealed: null,
    previousSecretUntil: null,
    createdAt: new Date(deps.clock.now()),
  };
  await deps.store.insertEndpoint(endpoint);
  return { endpoint, secret };
}

export async function readEndpoint(
  deps: WebhooksDeps,
  appId: string,
  id: string,
): Promise<WebhookEndpointRecord> {
  const endpoint = await deps.store.getEndpoint(appId, id);
  if (!endpoint) throw webhookNotFound();
  return endpoint;
}

export async function deleteEndpoint(deps: WebhooksDeps, appId: string, id: string) {
  if (!(await deps.store.deleteEndpoint(appId, id))) throw webhookNotFound();
}

/** A new secret; the current one keeps signing beside it for ROTATION_OVERLAP_MS. */
export async function rotateSecret(
  deps: WebhooksDeps,
  appId: string,
  id: string,
): Promise<EndpointWithSecret> {
  const secret = newSigningSecret();
  const endpoint = await deps.store.rotateSecret(
    appId,
    id,
    encrypt(deps.secretKey, secret, id),
    new Date(deps.clock.now() + ROTATION_OVERLAP_MS),
  );
  if (!endpoint) throw webhookNotFound();
  return { endpoint, secret };
}

export async function listDeliveries(
  deps: WebhooksDeps,
  input: { appId: string; endpointId: string; status?: DeliveryStatus; limit: number },
): Promise<DeliveryRecord[]> {
  await readEndpoint(deps, input.appId, input.endpointId);
  return deps.store.listDeliveries(input.appId, input.endpointId, input);
}
