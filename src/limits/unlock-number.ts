import { type AuditEvent, auditEvent, systemActor } from '../audit/index.ts';
import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import { maskPhone } from '../kernel/phone.ts';
import type { PhoneLocks } from './phone-locks/phone-locks.ts';
import { phoneKey } from './policy.ts';

export interface NumberLockDeps {
  phoneLocks: PhoneLocks;
  subjects: SubjectHmacs;
}

export interface NumberLockStatus {
  failures: number;
  threshold: number;
  locked: boolean;
  /** Milliseconds before the failures are forgotten without a check (null: there are none). */
  forgottenInMs: number | null;
}

/** The lock's keys: under the number's subject key, then those written before subject keys. */
const lockKeys = async (deps: NumberLockDeps, appId: string, e164: string) =>
  (await deps.subjects.lookupHmacs(appId, e164)).map((phoneHmac) =>
    phoneKey({ appId, phoneHmac, ip: null }),
  );

/** The first of the keys that holds failures, with them; null when none does. */
async function heldLock(deps: NumberLockDeps, keys: readonly string[]) {
  for (const key of keys) {
    const counted = await deps.phoneLocks.read(key);
    if (counted) return counted;
  }
  return null;
}

/** A number's failed checks in one app against its threshold (`tessera numbers status`). */
export async function numberLockStatus(
  deps: NumberLockDeps,
  input: { appId: string; e164: string; threshold: number },
): Promise<NumberLockStatus> {
  const counted = await heldLock(deps, await lockKeys(deps, input.appId, input.e164));
  const failures = counted?.failures ?? 0;
  return {
    failures,
    threshold: input.threshold,
    locked: failures >= input.threshold,
    forgottenInMs: counted?.expiresInMs ?? null,
  };
}

/**
 * Support's unlock (`tessera numbers unlock`): forgets the number's failed checks and records
 * `phone.unlocked` naming the operator. Redis and the trail cannot share a transaction, so the
 * failures are taken first and put back if the row cannot be committed: no unlock without its
 * row. A number with no failures is left alone, and nothing is written.
 */
export async function unlockNumber(
  deps: NumberLockDeps & { commit: (events: AuditEvent[]) => Promise<void>; now: () => number },
  input: { appId: string; e164: string; threshold: number; operator: string; note: string | null },
): Promise<NumberLockStatus> {
  const keys = await lockKeys(deps, input.appId, input.e164);
  let failures = 0;
  for (const key of keys) failures += await deps.phoneLocks.clear(key);
  const before = {
    failures,
    threshold: input.threshold,
    locked: failures >= input.threshold,
    forgottenInMs: null,
  };
  if (failures === 0) return before;
  const event = auditEvent(
    systemActor(input.appId),
    'phone.unlocked',
    {
      phone: {
        masked: maskPhone(input.e164),
        hmac: await deps.subjects.hmac(input.appId, input.e164),
      },
      outcome: 'ok',
      reason: before.locked ? 'locked' : 'failed_checks',
      detail: {
        operator: input.operator,
        note: input.note,
        failed_checks: failures,
        threshold: input.threshold,
      },
    },
    deps.now(),
  );
  try {
    await deps.commit([event]);
  } catch (error) {
    await deps.phoneLocks.restore(keys[0] as string, failures).catch((lost: unknown) => {
      throw new Error(
        `the audit row could not be committed (${(error as Error).message}) and the ${failures} failed checks could not be put back: the number is unlocked without its row`,
        { cause: lost },
      );
    });
    throw error;
  }
  return before;
}
