/** Epoch milliseconds; injected so expiry and cooldowns are tested without sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
