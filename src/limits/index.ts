export type { Limiter } from './limiter.ts';
export { refuseIfLocked } from './phone-lock.ts';
export type { PhoneLocks } from './phone-locks/phone-locks.ts';
export { createRedisPhoneLocks } from './phone-locks/redis-phone-locks.ts';
export type { RateRule } from './policy.ts';
export {
  countApproval,
  pumpingSubject,
  recordPumpingVerdict,
  screenForPumping,
  takeBackScreenedSend,
} from './pumping-watch.ts';
export { refuseForLimit } from './refuse-limit.ts';
export { reserveCheck } from './reserve-check.ts';
export type { SendCooldowns } from './send-cooldowns/send-cooldowns.ts';
export { spendLimits, spendSendLimits } from './spend-limits.ts';
export { subjectData } from './subject-data.ts';
export type { TrafficCounters } from './traffic-counters/traffic-counters.ts';
export { type NumberLockStatus, numberLockStatus, unlockNumber } from './unlock-number.ts';
export type { LimitsInfra, LimitsModule } from './wire.ts';
export { wire } from './wire.ts';
