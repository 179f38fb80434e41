import { createRoute, z } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { RefusedError } from '../../kernel/errors.ts';
import {
  DEFAULT_STATS_DAYS,
  MAX_STATS_DAYS,
  parseStatsQuery,
  STATS_GROUPS,
  type StatsFigures,
} from '../stats.ts';
import type { AuditReportDeps } from './endpoint-deps.ts';

// Plain strings: a bad value is a 422 naming the field (parseStatsQuery), not the schema's 400.
const StatsQuerySchema = z.object({
  since: z
    .string()
    .optional()
    .openapi({
      param: { name: 'since', in: 'query' },
      description: `ISO 8601 date or date-time with offset, rounded down to the hour; default ${DEFAULT_STATS_DAYS} days before until.`,
      example: '2026-11-01T00:00:00Z',
    }),
  until: z
    .string()
    .optional()
    .openapi({
      param: { name: 'until', in: 'query' },
      description: 'Excluded, rounded up to the hour; default now.',
      example: '2026-12-01T00:00:00Z',
    }),
  group_by: z
    .string()
    .optional()
    .openapi({
      param: { name: 'group_by', in: 'query' },
      description: `One of ${STATS_GROUPS.join(', ')} (default country).`,
      example: 'country',
    }),
});

const FiguresSchema = z
  .object({
    sent: z.number().int().openapi({ description: 'SMS sent (sms.sent; resends included).' }),
    delivered: z.number().int().openapi({ description: 'Delivery receipts (sms.delivered).' }),
    approved: z.number().int().openapi({ description: 'Codes approved (check.approved).' }),
    failed: z.number().int().openapi({ description: 'sms.failed and sms.undelivered.' }),
    failed_by_reason: z.record(z.string(), z.number().int()),
    refused: z
      .number()
      .int()
      .openapi({ description: 'Requests refused by a limit or a blocked destination.' }),
    refused_by_reason: z.record(z.string(), z.number().int()),
    conversion: z.number().nullable().openapi({ description: 'approved ÷ sent; null if 0 sent.' }),
    delivery_rate: z
      .number()
      .nullable()
      .openapi({ description: 'delivered ÷ sent; null if 0 sent.' }),
  })
  .openapi('AuditStatsFigures');

const StatsSchema = z
  .object({
    since: z.string(),
    until: z.string(),
    group_by: z.enum(STATS_GROUPS),
    buckets: z.array(
      FiguresSchema.extend({
        key: z.string().nullable().openapi({
          description:
            'The country, purpose, route, or the hour (UTC, ISO 8601); null when not recorded.',
        }),
      }).openapi('AuditStatsBucket'),
    ),
    total: FiguresSchema,
  })
  .openapi('AuditStats');

export const auditStatsOperation = createRoute({
  method: 'get',
  path: '/v1/audit/stats',
  tags: ['Audit'],
  summary: "The app's SMS outcomes per bucket",
  description: `Sent, delivered, approved, failed and refused (by reason), conversion and delivery rate, per country, purpose, route or hour, over at most ${MAX_STATS_DAYS} days of whole hours, for the key's own app. Read from hourly counts written with the audit events, never by scanning them.`,
  security: [{ apiKey: [] }],
  middleware: [requireScope('audit:read')] as const,
  request: { query: StatsQuerySchema },
  responses: {
    200: { description: 'The stats.', content: { 'application/json': { schema: StatsSchema } } },
    ...errorResponses(401, 403, 422, 503),
  },
});

function toWire(figures: StatsFigures) {
  const { failedByReason, refusedByReason, deliveryRate, ...counts } = figures;
  return {
    ...counts,
    failed_by_reason: failedByReason,
    refused_by_reason: refusedByReason,
    delivery_rate: deliveryRate,
  };
}

export const auditStatsEndpoint = endpoint(
  auditStatsOperation,
  (deps: AuditReportDeps) => async (c) => {
    const parsed = parseStatsQuery(
      c.get('principal').app.id,
      c.req.valid('query'),
      deps.clock.now(),
    );
    if (!parsed.ok) {
      throw new RefusedError(
        'invalid_filter',
        parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; '),
        { errors: parsed.errors },
      );
    }
    const stats = await deps.stats.stats(parsed.query);
    return c.json(
      {
        since: stats.since.toISOString(),
        until: stats.until.toISOString(),
        group_by: stats.groupBy,
        buckets: stats.buckets.map(({ key, ...figures }) => ({ key, ...toWire(figures) })),
        total: toWire(stats.total),
      },
      200,
    );
  },
);
