import type { LimitSettings } from '../kernel/app-settings.ts';

/** The limit names of the contract (api.md, Limits); each 429 carries one in `limit`. */
export type LimitName =
  | 'phone_send_hour'
  | 'phone_send_day'
  | 'ip_send_hour'
  | 'resend_cooldown'
  | 'verification_sends'
  | 'phone_failed_checks'
  | 'ip_check_hour'
  | 'app_daily_budget'
  | 'pumping_prefix'
  | 'pumping_country'
  // Not an API limit: failed sign-ins to the security console per address (README, Console).
  | 'console_signin_failures';

export interface RateRule {
  name: LimitName;
  points: number;
  durationSeconds: number;
}

/** One unit to spend on one counter. */
export interface LimitCharge {
  rule: RateRule;
  key: string;
}

const HOUR = 3600;
const DAY = 24 * HOUR;

export interface Subject {
  appId: string;
  phoneHmac: string;
  /** The end user's address; checks and sends without one share the app's "unknown" bucket. */
  ip: string | null;
}

const ipKey = (s: Subject) => `${s.appId}:${s.ip ?? 'unknown'}`;
/** A number's counters (and its lock) in one app. */
export const phoneKey = (s: Subject) => `${s.appId}:${s.phoneHmac}`;

/**
 * What one SMS send spends: the number's hourly and daily budget, the client IP's, and the app's
 * daily SMS budget (SMS pumping fraud bills the app per message). Spent before any argon2 work.
 */
export function sendCharges(limits: LimitSettings, subject: Subject): LimitCharge[] {
  return [
    {
      rule: { name: 'phone_send_hour', points: limits.phoneSendHour, durationSeconds: HOUR },
      key: phoneKey(subject),
    },
    {
      rule: { name: 'phone_send_day', points: limits.phoneSendDay, durationSeconds: DAY },
      key: phoneKey(subject),
    },
    {
      rule: { name: 'ip_send_hour', points: limits.ipSendHour, durationSeconds: HOUR },
      key: ipKey(subject),
    },
    {
      rule: { name: 'app_daily_budget', points: limits.appDailyBudget, durationSeconds: DAY },
      key: subject.appId,
    },
  ];
}

/** The number whose sends the cooldown spaces out: per app, like its other per-number limits. */
export const sendCooldownKey = phoneKey;

/** Every check spends one unit of the client IP's hourly check budget. */
export function ipCheckCharge(limits: LimitSettings, subject: Subject): LimitCharge {
  return {
    rule: { name: 'ip_check_hour', points: limits.ipCheckHour, durationSeconds: HOUR },
    key: ipKey(subject),
  };
}

/**
 * Failed checks per number across all its verifications (a resend or a new verification never
 * resets it; a success clears it). A check reserves one unit before it is evaluated, so parallel
 * guesses cannot overshoot; the unit is given back when nothing was evaluated.
 */
export function failedCheckCharge(limits: LimitSettings, subject: Subject): LimitCharge {
  return {
    rule: {
      name: 'phone_failed_checks',
      points: limits.phoneFailedChecksHour,
      durationSeconds: HOUR,
    },
    key: phoneKey(subject),
  };
}
