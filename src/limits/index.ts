export type { Limiter } from './limiter.ts';
export { sendCharges } from './policy.ts';
export {
  countApproval,
  pumpingSubject,
  recordPumpingVerdict,
  screenForPumping,
  takeBackScreenedSend,
} from './pumping-watch.ts';
export { createRateLimiter } from './rate-limiter.ts';
export { refuseForLimit } from './refuse-limit.ts';
export { reserveCheck } from './reserve-check.ts';
export { spendLimits } from './spend-limits.ts';
export { createMemoryTrafficCounters } from './traffic-counters/memory-traffic-counters.ts';
export { createRedisTrafficCounters } from './traffic-counters/redis-traffic-counters.ts';
export type { TrafficCounters } from './traffic-counters/traffic-counters.ts';
