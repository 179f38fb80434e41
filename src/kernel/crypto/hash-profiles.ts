/**
 * Argon2id cost profiles for one-time codes, pinned here rather than trusting library defaults
 * (@node-rs/argon2 changed its defaults between versions).
 *
 * `otp` is the default: a 6-digit code holds ~20 bits, so no memory-hard cost can make it strong;
 * the server-side pepper (never stored in Redis) is what protects a leaked Redis. The cost only
 * slows an attacker who holds both, so we keep it cheap enough for hundreds of checks per second.
 * `owasp` is the OWASP Password Storage Cheat Sheet's argon2id minimum (m=19 MiB, t=2, p=1) for
 * operators whose policy asks for it.
 */
export const HASH_PROFILES = Object.freeze({
  otp: Object.freeze({ memoryCost: 4096, timeCost: 1, parallelism: 1 } as const),
  owasp: Object.freeze({ memoryCost: 19456, timeCost: 2, parallelism: 1 } as const),
});

export type HashProfileName = keyof typeof HASH_PROFILES;
export type HashProfile = (typeof HASH_PROFILES)[HashProfileName];
