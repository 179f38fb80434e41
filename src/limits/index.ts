export type { Limiter } from './limiter.ts';
export type { RateRule } from './policy.ts';
export { sendCharges } from './policy.ts';
export {
  countApproval,
  pumpingSubject,
  recordPumpingVerdict,
  screenForPumping,
  takeBackScreenedSend,
} from './pumping-watch.ts';
export { refuseForLimit } from './refuse-limit.ts';
export { reserveCheck } from './reserve-check.ts';
export { spendLimits } from './spend-limits.ts';
export type { TrafficCounters } from './traffic-counters/traffic-counters.ts';
export type { LimitsInfra, LimitsModule } from './wire.ts';
export { wire } from './wire.ts';
