import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { BreakerState, SmsRouteMetrics } from '../sms/index.ts';
import type { ServiceMetrics } from './service-metrics.ts';

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

export interface Metrics extends ServiceMetrics, SmsRouteMetrics {
  readonly registry: Registry;
  auditSpooled(pending: number): void;
  /** A committed audit transaction: its rows, and how long each request in it waited. */
  auditCommitted(events: number, waits: readonly number[]): void;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

/** One registry per app instance (not prom-client's global), so tests can build several apps. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tessera_' });
  const started = new Counter({
    name: 'tessera_verifications_started_total',
    help: 'Verifications created, by purpose.',
    labelNames: ['purpose'],
    registers: [registry],
  });
  const checks = new Counter({
    name: 'tessera_checks_total',
    help: 'Code checks, by outcome (approved, wrong, closed).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const sms = new Counter({
    name: 'tessera_sms_total',
    help: 'SMS handed to a route, by route and outcome.',
    labelNames: ['route', 'outcome'],
    registers: [registry],
  });
  const limits = new Counter({
    name: 'tessera_limit_hits_total',
    help: 'Requests refused by a limit, by limit name.',
    labelNames: ['limit'],
    registers: [registry],
  });
  const pumping = new Counter({
    name: 'tessera_pumping_trips_total',
    help: 'SMS pumping watch trips, by scope (prefix, country), reason and whether it was a dry run.',
    labelNames: ['scope', 'reason', 'dry_run'],
    registers: [registry],
  });
  const routeSends = new Counter({
    name: 'tessera_route_sends_total',
    help: 'SMS accepted by each route.',
    labelNames: ['route'],
    registers: [registry],
  });
  const routeFailures = new Counter({
    name: 'tessera_route_failures_total',
    help: 'SMS a route did not take, by reason (refused, unavailable, timeout, busy, ...).',
    labelNames: ['route', 'reason'],
    registers: [registry],
  });
  const failovers = new Counter({
    name: 'tessera_route_failovers_total',
    help: 'Sends that went on to the next route, by the route that failed and the one tried next.',
    labelNames: ['from', 'to'],
    registers: [registry],
  });
  const breakers = new Gauge({
    name: 'tessera_route_breaker_state',
    help: 'Circuit breaker of each route: 0 closed, 1 half-open, 2 open.',
    labelNames: ['route'],
    registers: [registry],
  });
  const receipts = new Histogram({
    name: 'tessera_route_receipt_seconds',
    help: 'Time from send to delivery receipt, by route and final status (its count per status gives the delivery rate).',
    labelNames: ['route', 'status'],
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 900],
    registers: [registry],
  });
  const spooled = new Gauge({
    name: 'tessera_audit_spooled_events',
    help: 'Audit rows Postgres refused, waiting (in AUDIT_SPOOL_DIR) for it to come back.',
    registers: [registry],
  });
  const auditBatches = new Histogram({
    name: 'tessera_audit_batch_events',
    help: 'Audit rows per committed transaction (group commit: requests waiting together share one).',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [registry],
  });
  const auditWaits = new Histogram({
    name: 'tessera_audit_commit_wait_seconds',
    help: 'Time a request waited for its audit rows to commit (queue and transaction); every answer waits for it.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const lostWrites = new Counter({
    name: 'tessera_store_writes_lost_total',
    help: 'Follow-up writes to Redis or Postgres given up on (a refund, a delivery status...); the request was answered anyway.',
    labelNames: ['write'],
    registers: [registry],
  });
  const requests = new Histogram({
    name: 'tessera_http_request_duration_seconds',
    help: 'HTTP request duration, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    registry,
    verificationStarted: (purpose) => started.inc({ purpose }),
    codeChecked: (outcome) => checks.inc({ outcome }),
    smsSent: (route, outcome) => sms.inc({ route, outcome }),
    limitHit: (limit) => limits.inc({ limit }),
    auditSpooled: (pending) => spooled.set(pending),
    auditCommitted: (events, waits) => {
      auditBatches.observe(events);
      for (const wait of waits) auditWaits.observe(wait);
    },
    routeSent: (route) => routeSends.inc({ route }),
    receipt: (route, status, seconds) => receipts.observe({ route, status }, seconds),
    routeFailed: (route, reason) => routeFailures.inc({ route, reason }),
    routeFailover: (from, to) => failovers.inc({ from, to }),
    routeBreaker: (route, state) => breakers.set({ route }, BREAKER_VALUE[state]),
    pumpingTrip: (scope, reason, dryRun) => pumping.inc({ scope, reason, dry_run: String(dryRun) }),
    writeLost: (write) => lostWrites.inc({ write }),
    observeRequest: (method, route, status, seconds) =>
      requests.observe({ method, route, status: String(status) }, seconds),
  };
}
