import type { AuditTrail } from '../audit/index.ts';
import type { Database } from '../db/database.ts';
import { guardAvailability, isPostgresOutage } from '../kernel/availability.ts';
import type { Clock } from '../kernel/clock.ts';
import type { DerivedKeys } from '../kernel/crypto/derive-keys.ts';
import type { PhoneProtector } from '../kernel/crypto/phone-protector.ts';
import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import type { SubjectsDeps } from './deps.ts';
import { createSubjectDataHolders, type SubjectDataHolders } from './erase-subject.ts';
import { createPostgresSubjectKeyStore } from './postgres-subject-key-store.ts';
import { appKeyHmacs, createSubjectHmacs } from './subject-hmacs.ts';

export interface SubjectsInfra {
  database: Database;
  clock: Clock;
  phones: PhoneProtector;
  keys: Pick<DerivedKeys, 'subjectKeyWrap'>;
  /** False only for `npm run bench`'s comparison: HMACs under the app's key, as before. */
  perSubjectKeys?: boolean;
}

export interface SubjectsModule {
  /** The HMAC every module writes for a number (kernel/crypto/subject-hmacs.ts). */
  hmacs: SubjectHmacs;
  /** Where the modules that keep rows about a number register what an erasure deletes. */
  holders: SubjectDataHolders;
  /** The erasure's deps, once the audit trail (which searches through `hmacs`) exists. */
  erasure(audit: AuditTrail): SubjectsDeps;
}

/**
 * Subject keys on Postgres, and the erasure that deletes them. Wired before the audit trail: its
 * searches match numbers through these HMACs.
 */
export function wire(infra: SubjectsInfra): SubjectsModule {
  const store = guardAvailability(
    createPostgresSubjectKeyStore(infra.database),
    'postgres',
    isPostgresOutage,
  );
  const hmacs =
    infra.perSubjectKeys === false
      ? appKeyHmacs(infra.phones)
      : createSubjectHmacs({
          store,
          phones: infra.phones,
          wrapKey: infra.keys.subjectKeyWrap,
          clock: infra.clock,
        });
  const holders = createSubjectDataHolders();
  return {
    hmacs,
    holders,
    erasure: (audit) => ({
      clock: infra.clock,
      audit,
      keys: store,
      hmacs,
      phones: infra.phones,
      holders,
    }),
  };
}
