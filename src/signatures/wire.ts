import type { AuditLog, AuditTrail } from '../audit/index.ts';
import type { Database } from '../db/database.ts';
import { guardAvailability, isPostgresOutage } from '../kernel/availability.ts';
import type { Clock } from '../kernel/clock.ts';
import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import type { VerificationEndpointDeps } from '../verification/index.ts';
import type { OnSigned, SignaturesDeps } from './deps.ts';
import { createPostgresSignatureStore } from './postgres-signature-store.ts';
import { signatureObserver } from './settle-signature.ts';

export interface SignaturesInfra {
  database: Database;
  clock: Clock;
  subjects: SubjectHmacs;
  audit: AuditTrail;
  /** The app's Merkle log the evidence proves its events against. */
  log: AuditLog;
  /** The signature's code goes through verification; signatures subscribe to its changes here. */
  verification: VerificationEndpointDeps;
}

/**
 * What builds on signatures. `onSigned` runs once per signature, after it is signed and its
 * evidence built (or found not ready yet): the place for a `signature.signed` webhook publisher.
 * A failure there is counted (tessera_store_writes_lost_total, signature_hook), never unsigns.
 */
export interface SignatureHooks {
  onSigned: OnSigned;
}

const NO_HOOKS: SignatureHooks = { onSigned: async () => {} };

/** Signatures on Postgres, signed through their verifications. */
export function wire(infra: SignaturesInfra, hooks: SignatureHooks = NO_HOOKS): SignaturesDeps {
  const deps: SignaturesDeps = {
    clock: infra.clock,
    store: guardAvailability(
      createPostgresSignatureStore(infra.database),
      'postgres',
      isPostgresOutage,
    ),
    subjects: infra.subjects,
    audit: infra.audit,
    log: infra.log,
    verification: infra.verification,
    onSigned: hooks.onSigned,
  };
  infra.verification.observers.add(signatureObserver(deps));
  return deps;
}
