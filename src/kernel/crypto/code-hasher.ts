import { hash, verify } from '@node-rs/argon2';
import type { HashProfile } from './hash-profiles.ts';

export interface CodeHasher {
  hash(code: string): Promise<string>;
  /** Constant-time comparison happens inside argon2's verify. */
  verify(encodedHash: string, code: string): Promise<boolean>;
}

/** `Algorithm.Argon2id` of @node-rs/argon2 (an ambient const enum, which isolated modules cannot read). */
const ARGON2ID = 2;

/** argon2id with a server-side pepper (the library's `secret` option); verify compares in constant time. */
export function createArgon2CodeHasher(profile: HashProfile, pepper: Buffer): CodeHasher {
  const options = { algorithm: ARGON2ID, ...profile, secret: pepper } as const;
  return {
    hash: (code) => hash(code, options),
    verify: (encoded, code) => verify(encoded, code, { secret: pepper }),
  };
}
