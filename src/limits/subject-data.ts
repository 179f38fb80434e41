import type { SubjectDataHolder } from '../subjects/index.ts';
import { phoneKey } from './policy.ts';
import type { LimitsModule } from './wire.ts';

/**
 * An erasure forgets the number's failed checks (its lasting lock, 90 days in Redis). The send
 * and check counters expire within a day on their own (README, Subjects and erasure).
 */
export function subjectData(limits: Pick<LimitsModule, 'phoneLocks'>): SubjectDataHolder {
  return {
    async forget(appId, hmacs) {
      let locks = 0;
      for (const phoneHmac of hmacs) {
        if ((await limits.phoneLocks.clear(phoneKey({ appId, phoneHmac, ip: null }))) > 0) locks++;
      }
      return { phone_locks: locks };
    },
  };
}
