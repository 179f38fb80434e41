/**
 * The argon2-only ceiling: `concurrency` loops of hash + verify with a profile's parameters and a
 * pepper, as the server does once per cycle (hash on send, verify on check). Run by run.ts as a
 * child process with the server's UV_THREADPOOL_SIZE, while no server runs, so that it gets the
 * machine the way the server does. Prints one JSON line: { pairs, seconds, pairsPerSecond }.
 *
 *   node --import tsx test/bench/argon2-ceiling.ts <profile> <concurrency> <warmupMs> <durationMs>
 */
import { randomBytes, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { hash, verify } from '@node-rs/argon2';
import { HASH_PROFILES, type HashProfileName } from '../../src/kernel/crypto/hash-profiles.ts';

/** `Algorithm.Argon2id` (an ambient const enum, which isolated modules cannot read). */
const ARGON2ID = 2;

const [profileName, concurrencyArg, warmupArg, durationArg] = process.argv.slice(2);
if (!profileName || !(profileName in HASH_PROFILES)) {
  process.stderr.write(`argon2-ceiling: unknown profile ${profileName}\n`);
  process.exit(2);
}
const profile = HASH_PROFILES[profileName as HashProfileName];
const concurrency = Number(concurrencyArg ?? 32);
const warmupMs = Number(warmupArg ?? 1000);
const durationMs = Number(durationArg ?? 5000);

const secret = randomBytes(32);
const options = { algorithm: ARGON2ID, ...profile, secret } as const;

const begin = performance.now();
const measureFrom = begin + warmupMs;
const end = measureFrom + durationMs;
let pairs = 0;

async function loop(): Promise<void> {
  while (performance.now() < end) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const encoded = await hash(code, options);
    if (!(await verify(encoded, code, { secret }))) throw new Error('argon2 verify failed');
    const now = performance.now();
    if (now >= measureFrom && now < end) pairs++;
  }
}

await Promise.all(Array.from({ length: concurrency }, loop));
const seconds = durationMs / 1000;
process.stdout.write(`${JSON.stringify({ pairs, seconds, pairsPerSecond: pairs / seconds })}\n`);
