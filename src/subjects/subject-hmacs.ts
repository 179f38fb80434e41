import { randomBytes } from 'node:crypto';
import type { Clock } from '../kernel/clock.ts';
import { decrypt, encrypt } from '../kernel/crypto/aead.ts';
import { hmacHex } from '../kernel/crypto/hmac.ts';
import type { PhoneProtector } from '../kernel/crypto/phone-protector.ts';
import type { SubjectHmacs } from '../kernel/crypto/subject-hmacs.ts';
import type { SubjectKeyStore } from './subject-key-store.ts';

export interface SubjectKeyDeps {
  store: SubjectKeyStore;
  phones: Pick<PhoneProtector, 'hmac' | 'lookupHmacs'>;
  /** derive-keys.ts, label subject-key-wrap. */
  wrapKey: Buffer;
  clock: Clock;
}

const SUBJECT_KEY_BYTES = 32;

/** The wrapped key is bound to its app and lookup: a row copied onto another number never opens. */
const wrapLabel = (appId: string, lookup: string) => `subject:${appId}:${lookup}`;

/**
 * Finding a number's subject key: its HMAC under the app's key is the row's lookup; the key itself
 * is random, so nothing derived from SECRET_KEY alone recomputes an HMAC made with it.
 */
export function subjectLookup(
  deps: { phones: Pick<PhoneProtector, 'hmac'> },
  appId: string,
  e164: string,
) {
  return deps.phones.hmac(appId, e164);
}

/** Subject keys: one per number and app, made on the number's first row, deleted by an erasure. */
export function createSubjectHmacs(deps: SubjectKeyDeps): SubjectHmacs {
  const open = (appId: string, lookup: string, sealed: string) =>
    Buffer.from(decrypt(deps.wrapKey, sealed, wrapLabel(appId, lookup)), 'base64');
  return {
    async hmac(appId, e164) {
      const lookup = subjectLookup(deps, appId, e164);
      const found = await deps.store.find(appId, lookup);
      const sealed =
        found ??
        (await deps.store.ensure(
          appId,
          lookup,
          encrypt(
            deps.wrapKey,
            randomBytes(SUBJECT_KEY_BYTES).toString('base64'),
            wrapLabel(appId, lookup),
          ),
          new Date(deps.clock.now()),
        ));
      return hmacHex(open(appId, lookup, sealed), e164);
    },
    async lookupHmacs(appId, e164) {
      const lookup = subjectLookup(deps, appId, e164);
      const sealed = await deps.store.find(appId, lookup);
      const before = deps.phones.lookupHmacs(appId, e164);
      return sealed === null ? before : [hmacHex(open(appId, lookup, sealed), e164), ...before];
    },
  };
}

/**
 * The HMACs as they were before subject keys (the app's key): for `npm run bench` only, to measure
 * what a subject key costs a send. Nothing made this way can be erased.
 */
export function appKeyHmacs(phones: Pick<PhoneProtector, 'hmac' | 'lookupHmacs'>): SubjectHmacs {
  return {
    hmac: async (appId, e164) => phones.hmac(appId, e164),
    lookupHmacs: async (appId, e164) => phones.lookupHmacs(appId, e164),
  };
}
