import { Algorithm, hash, verify } from '@node-rs/argon2';
import type { HashProfile } from '../config/hash-profiles.ts';
import type { CodeHasher } from '../services/ports.ts';

/** argon2id with a server-side pepper (the library's `secret` option); verify compares in constant time. */
export function createArgon2CodeHasher(profile: HashProfile, pepper: Buffer): CodeHasher {
  const options = { algorithm: Algorithm.Argon2id, ...profile, secret: pepper } as const;
  return {
    hash: (code) => hash(code, options),
    verify: (encoded, code) => verify(encoded, code, { secret: pepper }),
  };
}
