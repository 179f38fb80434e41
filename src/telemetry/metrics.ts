import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ServiceMetrics } from '../services/ports.ts';

export interface Metrics extends ServiceMetrics {
  readonly registry: Registry;
  auditSpooled(pending: number): void;
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
  const spooled = new Gauge({
    name: 'tessera_audit_spooled_events',
    help: 'Audit rows waiting in memory for Postgres to come back (lost if the process dies).',
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
    pumpingTrip: (scope, reason, dryRun) => pumping.inc({ scope, reason, dry_run: String(dryRun) }),
    observeRequest: (method, route, status, seconds) =>
      requests.observe({ method, route, status: String(status) }, seconds),
  };
}
