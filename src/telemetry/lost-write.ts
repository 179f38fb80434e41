import type { LostWrite, ServiceMetrics } from './service-metrics.ts';

/**
 * The catch handler of a follow-up write that must not fail its request: the loss is counted
 * (tessera_store_writes_lost_total) so operators see a store in trouble, and not thrown.
 */
export function countLost(
  metrics: Pick<ServiceMetrics, 'writeLost'>,
  write: LostWrite,
): () => void {
  return () => metrics.writeLost(write);
}
