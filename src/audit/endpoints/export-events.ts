import { createRoute, z } from '@hono/zod-openapi';
import { endUserAddress } from '../../http/client-address.ts';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { invalidFilter } from '../../kernel/errors.ts';
import { auditExportedEvent, exportAuditEvents } from '../audit-export.ts';
import type { AuditSearchDeps } from '../audit-search.ts';
import {
  EXPORT_CONTENT_TYPES,
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportTrailer,
  exportBody,
} from '../export-format.ts';
import { AuditFilterQuery } from './audit-schema.ts';
import type { AuditEndpointDeps } from './endpoint-deps.ts';

const ExportQuery = AuditFilterQuery.extend({
  format: z
    .string()
    .optional()
    .openapi({
      param: { name: 'format', in: 'query' },
      description: '`ndjson` (the default) or `csv`.',
      example: 'csv',
    }),
});

const streamed = (description: string) => ({
  schema: z.string().openapi({ description }),
});

export const exportAuditEventsOperation = createRoute({
  method: 'get',
  path: '/v1/audit/events/export',
  tags: ['Audit'],
  summary: 'Export the audit trail',
  description:
    "Every event matching the filters (as for the search, without `limit` and `cursor`) up to the newest row when the export starts, streamed. The last line is a trailer with the row count and the SHA-256 of what came before it; an export without it was cut. CSV cells that a spreadsheet would run as a formula start with `'`.",
  security: [{ apiKey: [] }],
  middleware: [requireScope('audit:read')] as const,
  request: { query: ExportQuery },
  responses: {
    200: {
      description: 'The events, then the trailer line.',
      content: {
        'application/x-ndjson': streamed(
          'One event per line, then {"type":"export.complete","rows":N,"through_seq":S,"sha256":"…"}.',
        ),
        'text/csv': streamed(
          'A header row, one event per row, then #export.complete,rows=N,through_seq=S,sha256=….',
        ),
      },
    },
    ...errorResponses(400, 401, 403, 422, 503),
  },
});

function parseFormat(value: string | undefined): ExportFormat {
  const format = value?.trim() || 'ndjson';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw invalidFilter('format', '`format` is ndjson or csv.');
  }
  return format as ExportFormat;
}

export const exportAuditEventsEndpoint = endpoint(
  exportAuditEventsOperation,
  (deps: Pick<AuditEndpointDeps, keyof AuditSearchDeps | 'trail' | 'clock'>) => async (c) => {
    const { format: formatText, ...filters } = c.req.valid('query');
    const format = parseFormat(formatText);
    const actor = { app: c.get('principal').app, client: endUserAddress(c) };
    const appId = actor.app.id;
    const data = await exportAuditEvents(deps, appId, filters, format);
    const stamp = new Date().toISOString().replaceAll(':', '').slice(0, 15);
    const recordExport = (trailer: ExportTrailer) =>
      deps.trail.commitOrSpool([
        auditExportedEvent(actor, { via: 'api', format, filters }, trailer, deps.clock.now()),
      ]);
    return new Response(exportBody(data, recordExport), {
      status: 200,
      headers: {
        'content-type': EXPORT_CONTENT_TYPES[format],
        'content-disposition': `attachment; filename="audit-${appId}-${stamp}.${format}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  },
);
