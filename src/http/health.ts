import { createRoute, z } from '@hono/zod-openapi';
import { endpoint } from './endpoint.ts';

const HealthSchema = z.object({ status: z.literal('ok') }).openapi('Health');
const ReadinessSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.record(z.string(), z.enum(['ok', 'unavailable'])),
  })
  .openapi('Readiness');

export const healthOperation = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['Operations'],
  summary: 'The process is alive',
  responses: {
    200: { description: 'Alive.', content: { 'application/json': { schema: HealthSchema } } },
  },
});

export const readinessOperation = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['Operations'],
  summary: 'The code store and the database answer, and no shutdown has begun',
  responses: {
    200: { description: 'Ready.', content: { 'application/json': { schema: ReadinessSchema } } },
    503: {
      description: 'A store does not answer, or the process is shutting down.',
      content: { 'application/json': { schema: ReadinessSchema } },
    },
  },
});

export type ReadinessProbe = Record<string, () => Promise<void>>;

export const healthEndpoints = [
  endpoint(healthOperation, (_: ReadinessProbe) => (c) => c.json({ status: 'ok' as const }, 200)),
  endpoint(readinessOperation, (probes: ReadinessProbe) => async (c) => {
    const entries = await Promise.all(
      Object.entries(probes).map(async ([name, probe]) => {
        const ok = await withTimeout(probe(), 2000).then(
          () => true,
          () => false,
        );
        return [name, ok ? 'ok' : 'unavailable'] as const;
      }),
    );
    const checks = Object.fromEntries(entries);
    const ready = entries.every(([, state]) => state === 'ok');
    return ready
      ? c.json({ status: 'ok' as const, checks }, 200)
      : c.json({ status: 'unavailable' as const, checks }, 503);
  }),
];

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
