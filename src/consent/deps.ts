import type { AuditTrail } from '../audit/index.ts';
import type { Clock } from '../kernel/clock.ts';
import type { PhoneProtector } from '../kernel/crypto/phone-protector.ts';
import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import type { ConsentStore } from './store.ts';

/** What the consent use cases are given; built once by wire(). */
export interface ConsentDeps {
  clock: Clock;
  store: ConsentStore;
  phones: PhoneProtector;
  subjects: SubjectHmacs;
  audit: AuditTrail;
}
