import type { AuditTrail } from '../audit/index.ts';
import type { Clock } from '../kernel/clock.ts';
import type { PhoneProtector } from '../kernel/crypto/phone-protector.ts';
import type { ServiceMetrics } from '../telemetry/service-metrics.ts';
import type { Limiter } from './limiter.ts';
import type { PhoneLocks } from './phone-locks/phone-locks.ts';
import type { SendCooldowns } from './send-cooldowns/send-cooldowns.ts';
import type { TrafficCounters } from './traffic-counters/traffic-counters.ts';

/**
 * What the limits' verbs take from the verb that calls them (a send, a check, a TOTP verify): the
 * counters, the clock, and where refusals and trips are recorded. Declared here so that limits/
 * does not depend on its callers' types.
 */
export interface LimitVerbDeps {
  clock: Clock;
  limiter: Limiter;
  cooldowns: SendCooldowns;
  /** Each number's failed checks until a success: its lasting lock. */
  phoneLocks: PhoneLocks;
  traffic: TrafficCounters;
  audit: AuditTrail;
  metrics: ServiceMetrics;
  phones: PhoneProtector;
}
