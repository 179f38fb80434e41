import type { AuditTrail } from '../audit/index.ts';
import type { Clock } from '../kernel/clock.ts';
import type { PhoneProtector } from '../kernel/crypto/phone-protector.ts';
import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import type { VerificationEndpointDeps } from '../verification/index.ts';
import type { LeadRecord } from './lead.ts';
import type { LeadConsentView } from './lead-view.ts';
import type { LeadStore } from './store.ts';

/** What the lead use cases are given; built once by wire(). */
export interface LeadsDeps {
  clock: Clock;
  store: LeadStore;
  phones: PhoneProtector;
  subjects: SubjectHmacs;
  audit: AuditTrail;
  /** The verification module a lead's code is sent and checked through, with its idempotency. */
  verification: VerificationEndpointDeps;
  /** HMAC key of list cursors (derive-keys.ts, label list-cursor). */
  cursorKey: Buffer;
  /** The lead's marketing consent as its view shows it (consent/ answers); null when none. */
  consentOf(lead: LeadRecord): Promise<LeadConsentView | null>;
  /** The same for a page or an export batch of one app's leads, in one read, in their order. */
  consentsOf(leads: readonly LeadRecord[]): Promise<(LeadConsentView | null)[]>;
}
