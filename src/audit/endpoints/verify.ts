import { createRoute, z } from '@hono/zod-openapi';
import { endpoint } from '../../http/endpoint.ts';
import { errorResponses } from '../../http/error-responses.ts';
import { requireScope } from '../../http/require-scope.ts';
import { verifyAppLog } from '../checkpoints.ts';
import type { AuditReportDeps } from './endpoint-deps.ts';

const LogStateSchema = z
  .object({
    ok: z.boolean().openapi({
      description:
        "Whether the app's rows rebuild the Merkle root of its newest signed checkpoint (true when it has none yet).",
    }),
    tree_size: z.number().int().openapi({
      description: 'The leaves recomputed from the rows before the check ended.',
    }),
    root_hash: z.string().nullable().openapi({
      description: 'The root (base64) the newest checkpoint signs; null when there is none yet.',
    }),
    checkpoint_size: z.number().int().nullable().openapi({
      description:
        'The number of events the newest checkpoint covers; null when there is none yet.',
    }),
    broken_event_id: z.string().nullable().openapi({
      description: 'When not ok and an event of the app is found changed or missing: its id.',
    }),
    problem: z.string().nullable().openapi({ description: 'When not ok: what does not match.' }),
  })
  .openapi('AuditLogState');

const ChainStateSchema = z
  .object({
    ok: z.boolean().openapi({
      description:
        "Whether every one of the app's events is vouched for by an intact chain and its Merkle log matches its newest signed checkpoint.",
    }),
    events_checked: z.number().int().openapi({
      description: "The app's events found intact (other apps' are checked, not counted).",
    }),
    head_hash: z.string().nullable().openapi({
      description:
        "The hash of the app's newest intact event: keep it elsewhere, a later check must still reach it.",
    }),
    head_event_id: z.string().nullable(),
    broken_event_id: z.string().nullable().openapi({
      description: "When not ok and the first event that does not fit is the app's own: its id.",
    }),
    break_before_event_id: z.string().nullable().openapi({
      description:
        "When not ok and the first event that does not fit is another app's: the app's first event after it, from which the chain no longer vouches for the app's events.",
    }),
    log: LogStateSchema,
  })
  .openapi('AuditChainState');

export const verifyAuditChainOperation = createRoute({
  method: 'get',
  path: '/v1/audit/verify',
  tags: ['Audit'],
  summary: "Check the hash chain and the app's Merkle log",
  description:
    "The chain is one for all apps: every event up to the app's newest one is rehashed and linked, in batches, but only the app's own events are counted or named. A break in another app's rows is reported without its id, by the app's first event after it. Reads the whole chain up to there: one check runs at a time. Then the app's Merkle log is rebuilt from its rows up to its newest signed checkpoint and its root compared with the signed one (`log`); `ok` is true only when both hold.",
  security: [{ apiKey: [] }],
  middleware: [requireScope('audit:read')] as const,
  responses: {
    200: {
      description: 'The chain state (ok false when broken).',
      content: { 'application/json': { schema: ChainStateSchema } },
    },
    ...errorResponses(401, 403, 503),
  },
});

export const verifyAuditChainEndpoint = endpoint(
  verifyAuditChainOperation,
  (deps: AuditReportDeps) => async (c) => {
    const appId = c.get('principal').app.id;
    const report = await deps.chain.check({ appId });
    const log = await verifyAppLog(
      deps.log.database,
      deps.log.checkpointer,
      deps.log.signer,
      appId,
    );
    const own = report.broken?.appId === appId;
    return c.json(
      {
        ok: report.ok && log.ok,
        events_checked: report.checked,
        head_hash: report.head,
        head_event_id: report.headEventId,
        broken_event_id: own ? report.broken!.id : null,
        break_before_event_id: own ? null : (report.broken?.firstOwnEventAfter ?? null),
        log: {
          ok: log.ok,
          tree_size: log.checked,
          root_hash: log.checkpoint?.root ?? null,
          checkpoint_size: log.checkpoint?.size ?? null,
          broken_event_id: log.ok ? null : log.brokenAt,
          problem: log.ok ? null : log.problem,
        },
      },
      200,
    );
  },
);
